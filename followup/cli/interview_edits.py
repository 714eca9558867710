"""`followup interview edit|delete|restore`: change what was recorded about an interview, put it
in the trash with its follow-ups, take it out again. Each re-plans and prints the plan."""

from __future__ import annotations

import typer

from followup.cli.shell import (
    JSON_OPTION,
    confirm_deletion,
    fail,
    owner_scope,
    print_follow_ups,
    print_json,
    rows_of,
)

INTERVIEW_ID = typer.Argument(..., help="Interview id.")


def edit(
    interview_id: str = INTERVIEW_ID,
    start: str = typer.Option(None, help="New start, local time: '2026-12-09 14:00'."),
    end: str = typer.Option(None, help="New end, local time (or --duration; else same length)."),
    duration: int = typer.Option(None, help="New length in minutes."),
    tz: str = typer.Option(None, help="Time zone (IANA); alone, it keeps the local times."),
    interviewer: list[str] = typer.Option(
        [], help="Add an interviewer, 'Name <email>'; repeatable."
    ),
    remove_interviewer: list[str] = typer.Option(
        [], help="Remove an interviewer, by email or name; repeatable."
    ),
    notes: str = typer.Option(None, help="What was discussed (replaces the notes)."),
    unasked: list[str] = typer.Option(
        [], help="A question you did not get to ask; repeatable (replaces the list)."
    ),
    promised: str = typer.Option(None, help="What they promised ('' for nothing)."),
    commitment: list[str] = typer.Option(
        [], help="What you promised; repeatable (replaces the list)."
    ),
    round_name: str = typer.Option(None, "--round", help="Round name, e.g. 'Panel'."),
    format: str = typer.Option(None, help="phone, video or onsite."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Edit an interview (time, interviewers, notes, promises, round) and re-plan: follow-ups you
    did not touch move with it."""
    with owner_scope() as owner:
        from followup.core.services.interview_edits import InterviewChanges, edit_interview

        changes = InterviewChanges(
            start=start,
            end=end,
            duration_minutes=duration,
            tz=tz,
            add_interviewers=list(interviewer),
            remove_interviewers=list(remove_interviewer),
            notes=notes,
            unasked=list(unasked) or None,
            promised=promised,
            commitments=list(commitment) or None,
            round_name=round_name,
            format=format,
        )
        if changes == InterviewChanges():
            fail("interview", "nothing to change: give --start, --interviewer, --notes …")
        result = edit_interview(owner, interview_id, changes)
        if as_json:
            print_json(
                {
                    "interview_id": result.interview.pk,
                    "changed": result.changed,
                    "follow_up_ids": [fu.pk for fu in result.follow_ups],
                }
            )
            return
        if not result.changed:
            typer.echo(f"Interview {result.interview.pk}: nothing changed.")
            return
        typer.echo(f"Interview {result.interview.pk} edited: {', '.join(result.changed)}.")
        print_follow_ups(rows_of(result.follow_ups), "The plan")


def delete(
    interview_id: str = INTERVIEW_ID,
    yes: bool = typer.Option(False, "--yes", help="Delete without asking."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete an interview with its follow-ups (undo with `followup interview restore ID`)."""
    with owner_scope() as owner:
        from followup.core.services import get_interview
        from followup.core.services.interview_edits import delete_interview
        from followup.lib.vocabulary import format_local

        interview = get_interview(owner, interview_id)
        confirm_deletion(
            f"Delete the {interview.round_name} interview of "
            f"{format_local(interview.start, interview.time_zone)} and its follow-ups?",
            yes,
        )
        deleted = delete_interview(owner, interview.pk)
        if as_json:
            print_json(
                {
                    "interview_id": interview.pk,
                    "deleted_at": deleted.stamp.isoformat(),
                    "follow_ups": deleted.follow_ups,
                }
            )
            return
        typer.echo(
            f"Interview {interview.pk} deleted with {deleted.follow_ups} follow-up(s). "
            f"Undo: followup interview restore {interview.pk}"
        )


def restore(interview_id: str = INTERVIEW_ID, as_json: bool = JSON_OPTION) -> None:
    """Restore a deleted interview and its follow-ups, and re-plan."""
    with owner_scope() as owner:
        from followup.core.models import FollowUp
        from followup.core.services.interview_edits import restore_interview

        interview = restore_interview(owner, interview_id)
        follow_ups = list(
            FollowUp.objects.filter(
                owner=owner, application=interview.application, status__in=FollowUp.OPEN
            )
            .select_related("recipient", "application__company")
            .order_by("due", "id")
        )
        if as_json:
            print_json(
                {"interview_id": interview.pk, "follow_up_ids": [fu.pk for fu in follow_ups]}
            )
            return
        typer.echo(f"Interview {interview.pk} restored.")
        print_follow_ups(rows_of(follow_ups), "The plan")

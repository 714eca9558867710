"""Small functions that orchestrate: validate, persist, plan, draft, change a follow-up's state.
The CLI, the web views, the mail code and the worker call these.

Every function takes the owner first and every query is filtered by it. One module per topic:

- `owned`: the owner-scoped getters, the settings that apply to an application, the timeline;
- `interviews`: what a person types about an interview, checked, then recorded and planned;
- `planning`: the planner's facts, re-planning, outcomes, the ladder's end;
- `drafts`: templates, what a draft knows, (re)drafting, the checker, editing;
- `follow_ups`: every state change of a follow-up (approve … reply, bounce, the sender's);
- `listings`: what the shells list;
- `applications`: an application on its own (before any interview): add, edit, archive,
  delete with undo, the searchable list.

The names below are re-exported so callers keep writing `services.record_interview(...)`.
"""

from __future__ import annotations

from followup.core.queries import (
    LOCAL_USERNAME,
    country_for_zone,
    end_of_day,
    get_local_user,
    get_profile,
    guess_local_zone,
)
from followup.core.services.applications import (
    ApplicationInput,
    add_application,
    application_json,
    application_page,
    application_row_json,
    archive_application,
    delete_application,
    edit_application,
    list_applications,
    restore_application,
    unarchive_application,
)
from followup.core.services.drafts import (
    draft_context,
    draft_warnings,
    edit_draft,
    question_bank_for,
    redraft,
    templates_for,
)
from followup.core.services.follow_ups import (
    BounceRecorded,
    approve,
    cancel,
    cancel_approved_check_ins,
    check_sendable,
    confirm_sent,
    mark_done,
    mark_sent,
    move_check_ins_after,
    needs_attention,
    new_message_id,
    record_bounce,
    record_reply,
    retry_send,
    send_time,
    skip,
    snooze,
    unapprove,
)
from followup.core.services.interviews import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    CleanInterview,
    InterviewInput,
    PersonInput,
    RecordedInterview,
    check_country,
    check_email_field,
    check_zone,
    find_or_create_contact,
    parse_local_datetime,
    record_interview,
    validate_interview_input,
)
from followup.core.services.listings import (
    applications,
    due_follow_ups,
    follow_up_json,
    timeline,
)
from followup.core.services.owned import (
    effective_country,
    get_application,
    get_follow_up,
    get_interview,
    log_event,
    profile_for,
)
from followup.core.services.planning import (
    OUTCOMES,
    application_facts,
    expire_ladders,
    replan,
    replan_applications,
    replan_or_postpone,
    replan_owed_now,
    replanning_postponed,
    set_outcome,
)
from followup.core.services.profile import (
    PROFILE_FIELDS,
    profile_json,
    save_profile,
    update_profile,
)
from followup.lib.vocabulary import zone

__all__ = [
    "ApplicationInput",
    "add_application",
    "application_json",
    "application_page",
    "application_row_json",
    "archive_application",
    "delete_application",
    "edit_application",
    "list_applications",
    "restore_application",
    "unarchive_application",
    "PROFILE_FIELDS",
    "profile_json",
    "save_profile",
    "update_profile",
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "LOCAL_USERNAME",
    "OUTCOMES",
    "BounceRecorded",
    "CleanInterview",
    "InterviewInput",
    "PersonInput",
    "RecordedInterview",
    "application_facts",
    "applications",
    "approve",
    "cancel",
    "cancel_approved_check_ins",
    "check_country",
    "check_email_field",
    "check_sendable",
    "check_zone",
    "confirm_sent",
    "country_for_zone",
    "draft_context",
    "draft_warnings",
    "due_follow_ups",
    "edit_draft",
    "effective_country",
    "end_of_day",
    "expire_ladders",
    "find_or_create_contact",
    "follow_up_json",
    "get_application",
    "get_follow_up",
    "get_interview",
    "get_local_user",
    "get_profile",
    "guess_local_zone",
    "log_event",
    "mark_done",
    "mark_sent",
    "move_check_ins_after",
    "needs_attention",
    "new_message_id",
    "parse_local_datetime",
    "profile_for",
    "question_bank_for",
    "record_bounce",
    "record_interview",
    "record_reply",
    "redraft",
    "replan",
    "replan_applications",
    "replan_or_postpone",
    "replan_owed_now",
    "replanning_postponed",
    "retry_send",
    "send_time",
    "set_outcome",
    "skip",
    "snooze",
    "templates_for",
    "timeline",
    "unapprove",
    "validate_interview_input",
    "zone",  # views call services.zone(); the one zone() is followup.lib.vocabulary's
]

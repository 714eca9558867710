"""`followup careers-url APPLICATION_ID URL` as a real process: the careers check opens it."""

from __future__ import annotations

from followup.core.models import Company, FollowUp

from .conftest import assert_bad_input


def test_careers_url_sets_the_page_the_careers_check_opens(cli_json, run_cli, record_interview):
    recorded = record_interview(check_website=True)
    application = recorded.application
    saved = cli_json("careers-url", application.pk, "https://savanna-mobile.example/jobs")
    assert saved == {
        "company": "Savanna Mobile",
        "careers_url": "https://savanna-mobile.example/jobs",
    }
    check = FollowUp.objects.get(application=application, kind="careers_check")
    assert "https://savanna-mobile.example/jobs" in check.body
    shown = run_cli("careers-url", application.pk, "")
    assert shown.returncode == 0, shown.stderr
    assert "cleared" in shown.stdout
    assert Company.objects.get(pk=application.company_id).careers_url == ""


def test_careers_url_refuses_an_address_that_is_not_a_web_page(
    run_cli, record_interview, unchanged
):
    application = record_interview(check_website=True).application
    with unchanged():
        result = run_cli("careers-url", application.pk, "javascript:alert(1)")
    assert_bad_input(result, "careers_url")


def test_careers_url_refuses_an_unknown_application(run_cli, owner, unchanged):
    with unchanged():
        result = run_cli("careers-url", "999999", "https://example.com/careers")
    assert_bad_input(result, "application_id")


def test_draft_of_a_careers_check_names_the_page_to_open_not_a_recipient(run_cli, record_interview):
    application = record_interview(check_website=True).application
    run_cli("careers-url", application.pk, "https://savanna-mobile.example/jobs")
    check = FollowUp.objects.get(application=application, kind="careers_check")
    result = run_cli("draft", check.pk)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Open: https://savanna-mobile.example/jobs\n")
    assert "To:" not in result.stdout and "Subject:" not in result.stdout

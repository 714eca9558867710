from django.urls import path

from followup.front import (
    applications,
    careers,
    contacts,
    interview_edits,
    links,
    outbox,
    pipeline_moves,
    setup,
    views,
)

urlpatterns = [
    path("", views.today, name="today"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("set-up/", setup.set_up, name="set-up"),
    path("interviews/new/", views.record_interview, name="record-interview"),
    path("interviews/import/", views.import_invitation, name="import-invitation"),
    path("interviews/promise-preview/", views.promise_preview, name="promise-preview"),
    path("interviews/interviewer-row/", views.interviewer_row, name="interviewer-row"),
    path("autocomplete/companies/", views.company_options, name="company-options"),
    path("autocomplete/contacts/", views.contact_options, name="contact-options"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_new, name="application-new"),
    path(
        "applications/<int:application_id>/edit/",
        applications.application_edit,
        name="application-edit",
    ),
    path(
        "applications/<int:application_id>/archive/",
        applications.application_archive,
        name="application-archive",
    ),
    path(
        "applications/<int:application_id>/unarchive/",
        applications.application_unarchive,
        name="application-unarchive",
    ),
    path(
        "applications/<int:application_id>/delete/",
        applications.application_delete,
        name="application-delete",
    ),
    path(
        "applications/<int:application_id>/restore/",
        applications.application_restore,
        name="application-restore",
    ),
    path("applications/<int:application_id>/", views.application, name="application"),
    path("applications/<int:application_id>/outcome/", views.set_outcome, name="set-outcome"),
    path("applications/<int:application_id>/careers-url/", careers.careers_url, name="careers-url"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("follow-ups/<int:follow_up_id>/", links.follow_up_page, name="follow-up"),
    path("pipeline/move/", pipeline_moves.move, name="pipeline-move"),
    path(
        "pipeline/<int:application_id>/move/", pipeline_moves.move_page, name="pipeline-move-page"
    ),
    path("interviews/<int:interview_id>/edit/", interview_edits.edit, name="interview-edit"),
    path("interviews/<int:interview_id>/delete/", interview_edits.delete, name="interview-delete"),
    path(
        "interviews/<int:interview_id>/deleted/", interview_edits.deleted, name="interview-deleted"
    ),
    path(
        "interviews/<int:interview_id>/restore/", interview_edits.restore, name="interview-restore"
    ),
    path(
        "follow-ups/<int:follow_up_id>/reschedule/",
        interview_edits.reschedule,
        name="follow-up-reschedule",
    ),
    path(
        "follow-ups/<int:follow_up_id>/delete/",
        interview_edits.delete_follow_up,
        name="follow-up-delete",
    ),
    path(
        "follow-ups/<int:follow_up_id>/deleted/",
        interview_edits.deleted_follow_up,
        name="follow-up-deleted",
    ),
    path(
        "follow-ups/<int:follow_up_id>/restore/",
        interview_edits.restore_follow_up,
        name="follow-up-restore",
    ),
    path("contacts/", contacts.contact_list, name="contacts"),
    path("contacts/new/", contacts.contact_new, name="contact-new"),
    path("contacts/<int:contact_id>/", contacts.contact_detail, name="contact"),
    path("contacts/<int:contact_id>/delete/", contacts.contact_delete, name="contact-delete"),
    path("contacts/<int:contact_id>/restore/", contacts.contact_restore, name="contact-restore"),
    path(
        "applications/<int:application_id>/log/", contacts.log_interaction, name="log-interaction"
    ),
    path("interactions/<int:interaction_id>/", contacts.interaction_edit, name="interaction"),
    path(
        "interactions/<int:interaction_id>/delete/",
        contacts.interaction_delete,
        name="interaction-delete",
    ),
    path(
        "interactions/<int:interaction_id>/restore/",
        contacts.interaction_restore,
        name="interaction-restore",
    ),
    path("follow-ups/<int:follow_up_id>/whatsapp/", contacts.whatsapp, name="whatsapp"),
    path("follow-ups/<int:follow_up_id>/act/", views.act, name="act"),
    path("follow-ups/<int:follow_up_id>/draft/", views.draft, name="draft"),
    path("follow-ups/<int:follow_up_id>/draft/check/", views.draft_check, name="draft-check"),
    path("follow-ups/<int:follow_up_id>/draft.eml", views.draft_eml, name="draft-eml"),
    path("follow-ups/<int:follow_up_id>/retry/", outbox.retry, name="follow-up-retry"),
    path("follow-ups/<int:follow_up_id>/unapprove/", outbox.unapprove, name="follow-up-unapprove"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/questions/", views.question_bank, name="question-bank"),
    path("settings/questions/preview/", views.question_bank_preview, name="question-bank-preview"),
    path("settings/mail/", views.settings_mail, name="settings-mail"),
    path("settings/mail/test/", views.settings_mail_test, name="settings-mail-test"),
    path("settings/notifications/", views.settings_notifications, name="settings-notifications"),
    path(
        "settings/notifications/channels/<int:channel_id>/",
        views.notification_channel,
        name="notification-channel",
    ),
    path("settings/notifications/digest/", views.settings_digest, name="settings-digest"),
    path(
        "settings/notifications/calendar/",
        views.settings_calendar_regenerate,
        name="settings-calendar",
    ),
    path(
        "settings/invitations/<int:proposal_id>/",
        views.invitation_proposal,
        name="invitation-proposal",
    ),
    path("settings/templates/<str:kind>/", views.template_editor, name="template"),
    path("settings/templates/<str:kind>/preview/", views.template_preview, name="template-preview"),
]

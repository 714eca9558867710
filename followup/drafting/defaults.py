"""The built-in templates, one per kind of follow-up, plus the phone call script.

They are Jinja2 source rendered in a sandbox with `trim_blocks` and `lstrip_blocks` on, so a
block tag on a line of its own leaves no blank line behind. After rendering, trailing spaces
are removed and runs of blank lines are folded into one. See `context.TEMPLATE_VARIABLES` for
the names a template can use. Users edit copies of these in the settings page.
"""

from __future__ import annotations

from followup.drafting.context import DEFAULT_QUESTION_BANK, TemplateSource
from followup.planner.types import (
    APPLICATION_CHECK_IN,
    CAREERS_CHECK,
    CHECK_IN,
    CHECK_IN_2,
    DELIVERABLE,
    FINAL_CHECK_IN,
    KEEP_WARM,
    REJECTION_REPLY,
    THANK_YOU,
)

CALL_SCRIPT = "call_script"

__all__ = ["CALL_SCRIPT", "DEFAULT_QUESTION_BANK", "DEFAULT_TEMPLATES", "TEMPLATE_KEYS"]

_SIGN_OFF = """
Best regards,
{{ signature }}
"""

_QUESTIONS = """
{% if questions_to_ask|length == 1 %}
One question, if you have a moment: {{ questions_to_ask[0] }}
{% elif questions_to_ask %}
{{ "A couple of" if questions_to_ask|length == 2 else "A few" }} questions, if you have a moment:
{% for question in questions_to_ask %}
- {{ question }}
{% endfor %}
{% endif %}
"""

_THANK_YOU_SUBJECT = """\
{% set variant = interviewer_index % 3 %}
{% if variant == 1 %}
Thanks for your time: {{ role_title }} at {{ company_name }}
{% elif variant == 2 %}
Great to meet you: {{ role_title }} interview
{% else %}
Thank you: {{ role_title }} interview at {{ company_name }}
{% endif %}
"""

_THANK_YOU_BODY = (
    """\
{{ greeting }}

{% set variant = interviewer_index % 3 %}
{% set on_day = " today" if same_day else (" on " ~ interview_weekday if interview_weekday else "") %}
{% if variant == 1 %}
I really appreciated the chance to talk with you{{ on_day }} about the {{ role_title }} position and how your team works at {{ company_name }}.{% if is_panel %} It was good to meet your colleagues on the panel too.{% endif %}
{% elif variant == 2 %}
It was a pleasure meeting you{{ on_day }}, and thank you for such an open conversation about the {{ role_title }} role at {{ company_name }}.{% if is_panel %} I enjoyed hearing each panel member's view of the work.{% endif %}
{% else %}
Thank you for taking the time to meet with me{{ on_day }} about the {{ role_title }} role at {{ company_name }}.{% if is_panel %} I also enjoyed meeting the rest of the panel.{% endif %}
{% endif %}

{% if discussed_topic %}
{% if variant == 1 %}
I especially enjoyed hearing more about {{ discussed_topic }}. It is exactly the kind of work I want to be doing next.
{% elif variant == 2 %}
Since we spoke, I have kept thinking about {{ discussed_topic }}. It made the role feel like a strong match for my experience.
{% else %}
Our conversation about {{ discussed_topic }} has stayed with me. It made me even more excited about what I could contribute to the team.
{% endif %}
{% else %}
Our conversation made me even more excited about what I could contribute to the team.
{% endif %}

{% if assertive %}
I'm confident I can make a real difference in this role, and I would welcome the next step. If it helps, I'm happy to set up a short call to answer anything else.
{% else %}
Please let me know if there is anything else I can share to help with your decision.
{% endif %}

Thank you again for your time. I look forward to hearing from you.
"""
    + _SIGN_OFF
)

_CHECK_IN_BODY = (
    """\
{{ greeting }}

I hope you're well. I'm following up on my {{ round_phrase }}{% if interview_date_text %} on {{ interview_date_text }}{% endif %} for the {{ role_title }} role at {{ company_name }}.{% if promised_phrase %} I understood the team hoped to have news around now, so I wanted to check in.{% endif %}

I'm still very interested in the role{% if discussed_topic %}, and I've kept thinking about {{ discussed_topic }}{% endif %}.
"""
    + _QUESTIONS
    + """
{% if assertive %}
Would you have 15 minutes for a quick call this week? I'm happy to fit around your schedule.
{% else %}
Please let me know if there's anything else I can provide in the meantime.
{% endif %}

Thank you for your time,
{{ signature }}
"""
)

_CHECK_IN_2_BODY = (
    """\
{{ greeting }}

I wanted to check in again about the {{ role_title }} role at {{ company_name }}. I know hiring decisions take time, and I remain very interested in joining the team.

{% if discussed_topic %}
What we said{% if interview_date_text %} on {{ interview_date_text }}{% endif %} about {{ discussed_topic }} is still on my mind, and I'd love the chance to build on it with you.
{% endif %}
"""
    + _QUESTIONS
    + """
{% if assertive %}
Would a short call this week or next be useful? I can make myself available at a time that suits you.
{% else %}
If it would help, I'm happy to share anything else you need.
{% endif %}
"""
    + _SIGN_OFF
)

_FINAL_CHECK_IN_BODY = (
    """\
{{ greeting }}

I'm following up one last time about the {{ role_title }} role at {{ company_name }}{% if interview_date_text %}, after my {{ round_phrase }} on {{ interview_date_text }}{% endif %}. I understand things may have moved on, and I don't want to crowd your inbox.

{% if discussed_topic %}
I still value our conversation, especially the part about {{ discussed_topic }}.
{% endif %}

If the position has been filled, a short note either way would be much appreciated, and I'd be glad to be considered for future openings at {{ company_name }}.
"""
    + _QUESTIONS
    + """
{% if assertive %}
If a quick call is easier, just say when.
{% endif %}

Thank you again for your time and consideration,
{{ signature }}
"""
)

# Under 150 words with its three questions (tests/drafting/test_render.py) and an easy out.
_REJECTION_REPLY_BODY = (
    """\
{{ greeting }}

Thank you for letting me know about the {{ role_title }} role, and for your time. I'm disappointed, but I enjoyed learning about {{ company_name }}{% if discussed_topic %}, and our conversation about {{ discussed_topic }}{% endif %}.

{% if questions_to_ask %}
If you have a moment, {{ "this" if questions_to_ask|length == 1 else "these" }} would help me:
{% for question in questions_to_ask %}
- {{ question }}
{% endfor %}
Even a line would help.
{% endif %}

{% if assertive %}
A short call would suit me too, whenever it suits you.
{% endif %}

Best of luck with the hire.
"""
    + _SIGN_OFF
)

# Each note to a person brings something the earlier ones did not: another opening line, the
# time since, a topic not used before (see context.choose_topic); questions asked before are
# left out (context.questions_for).
_KEEP_WARM_BODY = (
    """\
{{ greeting }}

{% if note_number == 1 %}
I hope all is well at {{ company_name }}. We spoke{% if interview_date_text %} on {{ interview_date_text }}{% endif %} about the {{ role_title }} role, and I wanted to stay in touch.
{% elif note_number == 2 %}
It has been {{ time_since or "a while" }} since we talked about the {{ role_title }} role, and I have been following {{ company_name }}'s news with interest.
{% else %}
A short note to say hello, {{ time_since or "some months" }} after our {{ round_phrase }} for the {{ role_title }} role: I'm still keen on {{ company_name }} and hoping our paths cross again.
{% endif %}

{% if note_number == 1 %}
{% if discussed_topic %}I still think back to our conversation about {{ discussed_topic }}. {% endif %}I remain very keen on {{ company_name }} and would love to hear if a role comes up that fits my background.{% if questions_to_ask %} {{ questions_to_ask[0] }}{% endif %}
{% elif note_number == 2 %}
{% if discussed_topic %}I was thinking again about {{ discussed_topic }}, which I enjoyed discussing with you. {% endif %}If anything opens up on the team, I'd be glad to hear about it; I'm keeping an eye on your careers page as well.
{% else %}
{% if discussed_topic %}Our exchange about {{ discussed_topic }} is one I still remember. {% endif %}I'd be grateful if you kept me in mind for future openings, and I wish you and the team a good season.
{% endif %}

{% if assertive and note_number == 1 %}
Would you be open to a short call in the next few weeks? I'd value your view on where the team is heading.
{% elif assertive and note_number == 2 %}
If a quick catch-up call ever suits you, I'd enjoy it.
{% endif %}
"""
    + _SIGN_OFF
)

_CAREERS_CHECK_BODY = """\
Note to self: check {{ company_name }}'s careers page for new openings.

{% if careers_url or company_website %}
- Open {{ careers_url or company_website }}
{% else %}
- Find {{ company_name }}'s careers page (their website, or search for "{{ company_name }} careers")
{% endif %}
- Look for roles like {{ role_title }}, and related titles, posted since your last check
- If one fits, apply and mention your {{ round_phrase }}{% if recipient_name %} with {{ recipient_name }}{% endif %}
- Note today's date and what you found
"""

_DELIVERABLE_BODY = (
    """\
{{ greeting }}

As promised when we spoke{% if interview_weekday %} on {{ interview_weekday }}{% endif %} about the {{ role_title }} role at {{ company_name }}, I'm sharing {{ deliverable_item }}.

{% if discussed_topic %}
I hope it adds to our conversation about {{ discussed_topic }}.
{% endif %}

{% if assertive %}
I'd be glad to walk you through it on a short call this week; just let me know a time that suits you.
{% else %}
Please let me know if you have any questions, or if there's anything else that would be useful.
{% endif %}
"""
    + _SIGN_OFF
)

# A status check-in on an application that never reached an interview: short, names the role
# and the day they applied, restates interest, offers more; nothing about an interview.
_APPLICATION_CHECK_IN_BODY = """\
{{ greeting }}

I hope you're well. I applied for the {{ role_title }} role at {{ company_name }}{% if applied_date_text %} on {{ applied_date_text }}{% endif %}, and I wanted to follow up to make sure my application reached the right person.

I remain very interested in the role and in the work {{ company_name }} is doing. I'd be glad to send anything else that would help, such as references or examples of my work.
{% if assertive %}

If it's useful, I'd welcome a short call to talk about how my experience fits what the team needs.
{% endif %}

Thank you for your time and consideration,
{{ signature }}
"""

_CALL_SCRIPT_SUBJECT = (
    "Call {{ recipient_name or company_name }} about the {{ role_title }} role{% if recipient_name %}"
    " at {{ company_name }}{% endif %}"
)

_CALL_SCRIPT_BODY = """\
{% set purposes = {
    "thank_you": "say thank you for the interview",
    "check_in": "check in on the decision",
    "check_in_2": "check in again on the decision",
    "final_check_in": "follow up one last time",
    "rejection_reply": "thank them, ask for feedback and about future openings",
    "keep_warm": "keep in touch and ask about openings",
    "deliverable": "follow up on what you promised to send",
    "careers_check": "ask about new openings",
    "application_check_in": "ask where your application stands",
} %}
{% set hello = "Hi " ~ (greeting_name or "there") %}
Call {{ recipient_name or company_name }}{% if recipient_name %} at {{ company_name }}{% endif %} about the {{ role_title }} role, to {{ purposes.get(kind, "follow up") }}.

Talking points:
{% if kind == "application_check_in" %}
- "{{ hello }}, this is {{ candidate_name or "(your name)" }}. I applied for the {{ role_title }} role{% if applied_date_text %} on {{ applied_date_text }}{% endif %}, and I'm calling to make sure my application reached the right person."
{% else %}
- "{{ hello }}, this is {{ candidate_name or "(your name)" }}. We spoke{% if interview_date_text %} on {{ interview_date_text }}{% endif %} about the {{ role_title }} role."
- Thank them for their time{% if discussed_topic %} and recall something specific: {{ discussed_topic }}{% endif %}.
{% endif %}
- Say you're still very interested{% if assertive %}, and confident you can make a real difference in the role{% endif %}.
{% if promised_phrase %}
- They said "{{ promised_phrase }}": ask politely where things stand.
{% endif %}

The question to ask:
- {{ questions_to_ask[0] if questions_to_ask else bank.next_steps }}
{% for question in questions_to_ask[1:] %}
- {{ question }} (if there's time)
{% endfor %}

If you reach voicemail:
"{{ hello }}, this is {{ candidate_name or "(your name)" }}, following up on the {{ role_title }} role at {{ company_name }}. {% if kind != "application_check_in" %}Thank you again for your time{% if interview_weekday %} on {{ interview_weekday }}{% endif %}. {% endif %}I'm still very interested and would welcome an update. {% if candidate_phone %}You can reach me on {{ candidate_phone }}. {% endif %}I'll also send a short email. Thank you, and have a good day."

Afterwards, note what they said and log the call.
"""

DEFAULT_TEMPLATES: dict[str, TemplateSource] = {
    THANK_YOU: TemplateSource(_THANK_YOU_SUBJECT, _THANK_YOU_BODY),
    CHECK_IN: TemplateSource(
        "Following up: {{ role_title }} at {{ company_name }}",
        _CHECK_IN_BODY,
    ),
    CHECK_IN_2: TemplateSource(
        "Checking in: {{ role_title }} at {{ company_name }}",
        _CHECK_IN_2_BODY,
    ),
    FINAL_CHECK_IN: TemplateSource(
        "Final follow-up: {{ role_title }} at {{ company_name }}",
        _FINAL_CHECK_IN_BODY,
    ),
    REJECTION_REPLY: TemplateSource(
        "Thank you: {{ role_title }} at {{ company_name }}",
        _REJECTION_REPLY_BODY,
    ),
    KEEP_WARM: TemplateSource(
        "{% if note_number == 2 %}Still keen on {{ company_name }}{% elif note_number > 2 %}"
        "Hello again from the {{ role_title }} interviews{% else %}Keeping in touch{% endif %}"
        "{% if candidate_name %}: {{ candidate_name }}{% endif %}"
        "{% if note_number < 2 %}, {{ role_title }} candidate{% endif %}",
        _KEEP_WARM_BODY,
    ),
    CAREERS_CHECK: TemplateSource(
        "Check {{ company_name }}'s careers page for openings",
        _CAREERS_CHECK_BODY,
    ),
    DELIVERABLE: TemplateSource(
        "As promised: {{ deliverable_item }} ({{ role_title }})",
        _DELIVERABLE_BODY,
    ),
    APPLICATION_CHECK_IN: TemplateSource(
        "Following up on my application: {{ role_title }} at {{ company_name }}",
        _APPLICATION_CHECK_IN_BODY,
    ),
    CALL_SCRIPT: TemplateSource(_CALL_SCRIPT_SUBJECT, _CALL_SCRIPT_BODY),
}

# Every key a user may override: the kinds, then the call script.
TEMPLATE_KEYS: tuple[str, ...] = tuple(DEFAULT_TEMPLATES)

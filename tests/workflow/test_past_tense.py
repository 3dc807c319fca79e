"""A transition's audit action and its readable name are declared on its Step; the lookups derive from it."""
from sandbox.workflow.action_names import ACTION_LABELS, action_label
from sandbox.workflow.machine import DONE_LABELS, PAST_TENSE, STEPS


def test_every_step_names_its_audit_action_and_the_lookups_come_from_the_steps():
    for steps in STEPS.values():
        for step in steps:
            assert step.past and step.done, step.trigger
            assert PAST_TENSE[step.trigger] == step.past
            assert str(DONE_LABELS[f"application.{step.past}"]) == str(step.done)
    assert PAST_TENSE["start_trial"] == "trial_started" and PAST_TENSE["cancel"] == "cancelled"


def test_readable_names_join_the_transitions_and_the_other_actions(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert action_label("application.trial_started") == "Trial started"
        assert action_label("application.suspended_for_incident") == "Suspended after a critical incident"
        assert action_label("application.created") == "Application created"
        assert action_label("vote.cast") == "Vote cast"
        assert action_label("something.unknown") == "something.unknown"
    assert list(ACTION_LABELS)[:3] == ["application.created", "application.draft_saved", "application.submitted"]

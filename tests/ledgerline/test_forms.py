"""One way for every web and admin form to show a service's refusal."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from ledgerline.exceptions import ConflictError
from ledgerline.forms import add_service_errors


class DisposalLikeForm(forms.Form):
    disposal_date = forms.DateField(label="Disposal date")
    proceeds = forms.DecimalField(label="Proceeds")
    version = forms.IntegerField(widget=forms.HiddenInput)


def bound_form():
    form = DisposalLikeForm({"disposal_date": "2025-01-31", "proceeds": "10", "version": "3"})
    assert form.is_valid()
    return form


def test_a_field_message_goes_beside_the_visible_field_it_names():
    form = bound_form()

    add_service_errors(form, ValidationError({"proceeds": "Proceeds cannot be negative."}))

    assert form.errors == {"proceeds": ["Proceeds cannot be negative."]}


def test_a_renamed_argument_lands_on_the_field_that_carries_it():
    form = bound_form()

    add_service_errors(
        form, ValidationError({"effective_date": "Too early."}), renamed={"effective_date": "disposal_date"}
    )

    assert form.errors == {"disposal_date": ["Too early."]}


def test_messages_about_hidden_or_absent_fields_go_to_the_top_named():
    form = bound_form()

    add_service_errors(form, ValidationError({"version": "Stale.", "custodian": "Not at this site."}))

    assert form.non_field_errors() == ["Version: Stale.", "Custodian: Not at this site."]
    assert "version" not in form.errors


def test_a_conflict_a_refusal_and_a_plain_message_go_to_the_top():
    form = bound_form()

    add_service_errors(form, ConflictError("Someone else changed it."))
    add_service_errors(form, PermissionDenied("Only finance staff may do this."))
    add_service_errors(form, ValidationError("Nothing to reverse."))

    assert form.non_field_errors() == [
        "Someone else changed it.",
        "Only finance staff may do this.",
        "Nothing to reverse.",
    ]

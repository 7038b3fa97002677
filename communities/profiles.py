"""Profiles: what a person shows of themselves on their public page, and the form to edit it.

Profiles are created on first use, so accounts made before this app (or by allauth's
sign-up) need no signal or data migration.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Dataset
from communities.models import Answer, Membership, Profile


def profile_for(user) -> Profile:
    """The user's profile, created empty if they have none yet."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _created = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


def display_name(user) -> str:
    """The name to show for `user`: their profile's name, else their username."""
    try:
        name = user.profile.display_name
    except Profile.DoesNotExist:
        name = ""
    return name or user.get_username()


def public_memberships(user):
    """The communities `user` is an active member of, with their role."""
    return (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .select_related("community", "publisher")
        .order_by("community__slug")
    )


def recent_answers(user, *, limit: int = 10):
    """The user's latest answers that anyone may read: visible, on a visible question
    whose dataset (if any) is published."""
    return (
        Answer.objects.visible()
        .filter(
            author=user,
            question__is_deleted=False,
            question__is_hidden=False,
            question__is_held=False,
        )
        .exclude(question__dataset__in=Dataset.objects.exclude(status=Dataset.Status.PUBLISHED))
        .select_related("question__community", "question__dataset", "on_behalf_of")
        .order_by("-created_at", "-pk")[:limit]
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name", "organisation", "expertise", "language"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4, "maxlength": 2000})}
        help_texts = {
            "display_name": _("Shown with your questions and answers instead of your username."),
            "expertise": _("The domains and data you know well, in a few words."),
            "language": _("The language of the e-mails the portal sends you."),
        }

    def clean_expertise(self):
        expertise = self.cleaned_data["expertise"].strip()
        if len(expertise) > 2000:
            raise forms.ValidationError(_("Keep it under 2000 characters."))
        return expertise

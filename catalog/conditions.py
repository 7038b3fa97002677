"""Reuse conditions: editing them from templates, refusing inconsistent ones, explaining them.

catalog.reuse resolves which licence, access rights and usage-policy rules apply; this
module is about what publishers may write and what re-users read:

- problems() lists the combinations the portal refuses (a non-commercial licence with a
  permission to commercialise, public data behind an agreement, ...). The admin (form and
  rules inline) and the API's writes (the forms below) report them as field errors.
- apply_template() copies a site managers' template onto a dataset; add_agreement() adds an
  agreement version (versions are never edited).
- explain() turns the conditions into "you may / you must / you may not / how to get
  access" sentences in the active language; as_data() is the same for the APIs.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django import forms
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.forms import AdminLanguageMapWidget, DatasetForm, DistributionForm, URLListField
from catalog.models import (
    AccessReason,
    Agreement,
    Dataset,
    PolicyAction,
    PolicyRule,
    PolicyTemplate,
    Purpose,
    RecipientType,
)
from catalog.multilingual import LanguageMap, LanguageMapFormField
from catalog.reuse import (
    ACTION_IRIS,
    DUTY_ACTIONS,
    NON_PUBLIC,
    PUBLIC,
    RESTRICTED,
    Conditions,
    effective_conditions,
)

# The dataset fields beyond licence and access rights that describe the conditions.
CONDITION_FIELDS = [
    "access_reason",
    "access_reason_text",
    "legal_basis",
    "legal_basis_uri",
    "applicable_legislation",
    "rights",
    "rights_holder",
]
RULES = "policy_rules"  # the name problems() use for "the usage policy"


def _has_text(value) -> bool:
    return any(str(text).strip() for text in (value or {}).values())


# Consistency -------------------------------------------------------------------------------


class Problem(NamedTuple):
    """An inconsistency, and the fields (RULES for the usage policy) that take part in it."""

    fields: tuple[str, ...]
    message: str

    def __str__(self):
        return self.message


def _constraints_key(rule) -> tuple:
    return (
        tuple(sorted(rule.purposes or ())),
        tuple(sorted(rule.recipient_types or ())),
        (rule.territory or "").strip().upper(),
        rule.valid_from,
        rule.valid_until,
    )


def _action_label(action: str) -> str:
    return str(PolicyAction(action).label) if action in PolicyAction.values else action


def problems(
    licence,
    access_rights,
    access_reason: str = "",
    access_reason_text=None,
    rules: Iterable = (),
    agreement_text=None,
    *,
    require_reason: bool = True,
) -> list[Problem]:
    """What is inconsistent about these conditions; empty when they may be saved.

    `rules` are PolicyRule instances (saved or not). `agreement_text` is the agreement's
    text when the caller edits it (None: not known, not checked). Templates pass
    require_reason=False: the publisher who applies one gives the reason.
    """
    rules = list(rules)
    found = []
    access = access_rights.code if access_rights is not None else None
    permissions = [r for r in rules if r.kind == PolicyRule.Kind.PERMISSION]
    prohibitions = [r for r in rules if r.kind == PolicyRule.Kind.PROHIBITION]
    duties = [r for r in rules if r.kind == PolicyRule.Kind.DUTY]

    for rule in permissions + prohibitions:
        if rule.action in DUTY_ACTIONS:
            found.append(
                Problem(
                    (RULES,),
                    _(
                        "“%(action)s” is a duty, not something to permit or prohibit: "
                        "add it as a duty."
                    )
                    % {"action": _action_label(rule.action)},
                )
            )
    for rule in duties:
        if rule.action not in DUTY_ACTIONS:
            found.append(
                Problem(
                    (RULES,),
                    _(
                        "“%(action)s” is not a duty: permit or prohibit it instead. Duties are "
                        "attribution, share alike, notifying the owner and signing an agreement."
                    )
                    % {"action": _action_label(rule.action)},
                )
            )
    for rule in rules:
        if rule.valid_from and rule.valid_until and rule.valid_from > rule.valid_until:
            found.append(
                Problem(
                    (RULES,),
                    _("A rule for “%(action)s” ends before it starts.")
                    % {"action": _action_label(rule.action)},
                )
            )
    for permission in permissions:
        for prohibition in prohibitions:
            if permission.action == prohibition.action and _constraints_key(
                permission
            ) == _constraints_key(prohibition):
                found.append(
                    Problem(
                        (RULES,),
                        _(
                            "“%(action)s” is both permitted and prohibited under the same "
                            "conditions: remove one of the two rules."
                        )
                        % {"action": _action_label(permission.action)},
                    )
                )

    if licence is not None and licence.non_commercial:
        if any(
            r.action == PolicyAction.COMMERCIALIZE or Purpose.COMMERCIAL in (r.purposes or ())
            for r in permissions
        ):
            found.append(
                Problem(
                    ("licence", RULES),
                    _(
                        "The licence %(licence)s does not allow commercial use, but the usage "
                        "policy permits it. Remove that permission or choose another licence."
                    )
                    % {"licence": licence.code},
                )
            )
    if licence is not None and licence.no_derivatives:
        if any(r.action == PolicyAction.DERIVE for r in permissions):
            found.append(
                Problem(
                    ("licence", RULES),
                    _(
                        "The licence %(licence)s does not allow derived works, but the usage "
                        "policy permits them. Remove that permission or choose another licence."
                    )
                    % {"licence": licence.code},
                )
            )
    if licence is not None and not licence.share_alike:
        if any(r.action == PolicyAction.SHARE_ALIKE for r in duties):
            found.append(
                Problem(
                    ("licence", RULES),
                    _(
                        "The usage policy asks to share alike, but the licence %(licence)s does "
                        "not. Choose a share-alike licence or remove that duty."
                    )
                    % {"licence": licence.code},
                )
            )

    needs_agreement = any(r.action == PolicyAction.SIGN_AGREEMENT for r in duties)
    if access == PUBLIC and needs_agreement:
        found.append(
            Problem(
                ("access_rights", RULES),
                _(
                    "Public data cannot require an agreement. Choose restricted access, or "
                    "remove the duty to sign an agreement."
                ),
            )
        )
    if needs_agreement and agreement_text is not None and not _has_text(agreement_text):
        found.append(
            Problem(
                ("agreement_text", RULES),
                _("Re-users must sign an agreement: write the agreement's text."),
            )
        )
    if require_reason and access in (RESTRICTED, NON_PUBLIC) and not access_reason:
        found.append(
            Problem(
                ("access_reason",),
                _("Access is not public: say why, by choosing the reason access is limited."),
            )
        )
    if access_reason == AccessReason.OTHER and not _has_text(access_reason_text):
        found.append(
            Problem(
                ("access_reason_text",),
                _("You chose “Other” as the reason: explain it in your own words."),
            )
        )
    return found


def field_of(problem: Problem, fields: Iterable[str]) -> str | None:
    """The first of the problem's fields that a form has (None: a non-field error)."""
    return next((name for name in problem.fields if name in fields), None)


# Templates and agreements ------------------------------------------------------------------


def latest_agreement(dataset: Dataset) -> Agreement | None:
    return dataset.agreements.order_by("-version").first()


def add_agreement(dataset: Dataset, text) -> Agreement:
    """A new agreement version with `text`, unless the latest version already says that.

    Re-users accepted earlier versions: they are kept as they were, never edited.
    """
    text = LanguageMap({code: value for code, value in dict(text).items() if value})
    with transaction.atomic():
        latest = latest_agreement(dataset)
        if latest is not None and dict(latest.text) == dict(text):
            return latest
        version = dataset.agreements.aggregate(last=Max("version"))["last"] or 0
        return Agreement.objects.create(dataset=dataset, version=version + 1, text=text)


def copy_rules(rules: Iterable[PolicyRule], **owner) -> list[PolicyRule]:
    fields = ["kind", "action", "purposes", "recipient_types", "territory"]
    fields += ["valid_from", "valid_until", "position"]
    return PolicyRule.objects.bulk_create(
        [PolicyRule(**owner, **{name: getattr(rule, name) for name in fields}) for rule in rules]
    )


@transaction.atomic
def apply_template(dataset: Dataset, template: PolicyTemplate) -> None:
    """Give `dataset` the template's licence, access rights, reason (when it has one) and
    rules (replacing the dataset's), and its agreement text as a new agreement version."""
    dataset.licence = template.licence
    dataset.access_rights = template.access_rights
    if template.access_reason:
        dataset.access_reason = template.access_reason
    dataset.policy_template = template
    dataset.save(
        update_fields=[
            "licence",
            "access_rights",
            "access_reason",
            "policy_template",
            "updated_at",
        ]
    )
    dataset.policy_rules.all().delete()
    copy_rules(template.rules.all(), dataset=dataset)
    if _has_text(template.agreement_text):
        add_agreement(dataset, template.agreement_text)


# Forms: the admin's and the API's ----------------------------------------------------------


class DatasetConditionsForm(DatasetForm):
    """DatasetForm with every reuse condition, refusing inconsistent ones (problems()).

    The API writes through it, checking the dataset's saved rules; the admin sets
    `check_saved_rules` off because its rules inline checks the rules being posted.
    """

    check_saved_rules = True
    applicable_legislation = URLListField(
        label=gettext_lazy("Applicable legislation"),
        required=False,
        help_text=gettext_lazy("ELI addresses of the legislation that applies, one per line."),
    )

    class Meta(DatasetForm.Meta):
        fields = [*DatasetForm.Meta.fields, *CONDITION_FIELDS]

    def prepare_conditions(self, cleaned_data: dict) -> None:
        """Hook: the admin puts a template's values in place before they are checked."""

    def clean(self):
        cleaned_data = super().clean()
        self.prepare_conditions(cleaned_data)
        rules = ()
        if self.check_saved_rules and self.instance.pk:
            rules = list(self.instance.policy_rules.all())
        found = problems(
            cleaned_data.get("licence"),
            cleaned_data.get("access_rights"),
            cleaned_data.get("access_reason") or "",
            cleaned_data.get("access_reason_text"),
            rules,
        )
        for problem in found:
            if RULES in problem.fields and not self.check_saved_rules:
                continue  # the rules inline reports it
            name = field_of(problem, self.fields)
            if name is None or name in self.errors:
                continue
            self.add_error(name, problem.message)
        return cleaned_data


class DatasetAdminForm(DatasetConditionsForm):
    """The admin's dataset form: a template to apply, and the agreement's text.

    Ticking "apply the template" replaces the licence, access rights, reason and rules with
    the template's on save; a changed agreement text is saved as a new agreement version.
    """

    check_saved_rules = False
    apply_template = forms.BooleanField(
        label=gettext_lazy("Apply the template"),
        required=False,
        help_text=gettext_lazy(
            "On save, replace the licence, access rights, reason and usage policy with the "
            "template's (and its agreement, if it has one). Then adjust them."
        ),
    )
    agreement_text = LanguageMapFormField(
        label=gettext_lazy("Agreement text"),
        textarea=True,
        required=False,
        widget=AdminLanguageMapWidget(label=gettext_lazy("Agreement text"), textarea=True),
        help_text=gettext_lazy(
            "Markdown. What re-users accept when they request access. A change is saved as a "
            "new version: earlier versions stay as re-users accepted them."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest_agreement = latest_agreement(self.instance) if self.instance.pk else None
        if self.latest_agreement is not None:
            self.initial["agreement_text"] = dict(self.latest_agreement.text)

    def prepare_conditions(self, cleaned_data):
        template = cleaned_data.get("policy_template")
        applying = bool(cleaned_data.get("apply_template"))
        if applying and template is None:
            self.add_error("policy_template", _("Choose the template to apply."))
            applying = False
        agreement_text = cleaned_data.get("agreement_text") or {}
        if applying:
            cleaned_data["licence"] = template.licence
            cleaned_data["access_rights"] = template.access_rights
            if template.access_reason:
                cleaned_data["access_reason"] = template.access_reason
            if _has_text(template.agreement_text):
                agreement_text = template.agreement_text
        # The rules inline shares this instance: it checks the rules that will apply.
        self.instance.conditions_pending = {
            "template": template if applying else None,
            "agreement_text": agreement_text,
        }

    def save_conditions(self) -> None:
        """After the dataset and its inlines are saved: apply the template, or keep a changed
        agreement text as a new version."""
        dataset = self.instance
        pending = getattr(dataset, "conditions_pending", {})
        if pending.get("template") is not None:
            apply_template(dataset, pending["template"])
        elif "agreement_text" in self.changed_data and _has_text(pending.get("agreement_text")):
            add_agreement(dataset, pending["agreement_text"])


class DistributionConditionsForm(DistributionForm):
    """DistributionForm with the access-rights override, checked against the conditions
    it then has (its own rules, else the dataset's)."""

    check_saved_rules = True

    class Meta(DistributionForm.Meta):
        fields = [*DistributionForm.Meta.fields, "access_rights"]

    def clean(self):
        cleaned_data = super().clean()
        dataset = cleaned_data.get("dataset") or getattr(self.instance, "dataset", None)
        if dataset is None:
            return cleaned_data
        rules = ()
        if self.check_saved_rules:
            own = list(self.instance.policy_rules.all()) if self.instance.pk else []
            rules = own or (list(dataset.policy_rules.all()) if dataset.pk else [])
        licence = cleaned_data.get("licence") or dataset.licence
        access_rights = cleaned_data.get("access_rights") or dataset.access_rights
        for problem in problems(
            licence, access_rights, dataset.access_reason, dataset.access_reason_text, rules
        ):
            if RULES in problem.fields and not self.check_saved_rules:
                continue
            if problem.fields[0] in ("access_reason", "access_reason_text"):
                name, message = (
                    "access_rights",
                    _(
                        "Access to this distribution is limited: first say why on the dataset "
                        "(the reason access is limited)."
                    ),
                )
            else:
                name, message = field_of(problem, self.fields), problem.message
            if name is not None and name not in self.errors:
                self.add_error(name, message)
        return cleaned_data


class DistributionAdminForm(DistributionConditionsForm):
    check_saved_rules = False  # the distribution's rules inline checks the rules


class _ChoicesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PolicyRuleForm(forms.ModelForm):
    """One rule: lists of purposes and recipient types are ticked, empty means any."""

    purposes = _ChoicesField(
        label=gettext_lazy("Purposes"),
        choices=Purpose.choices,
        required=False,
        help_text=gettext_lazy("None ticked: any purpose."),
    )
    recipient_types = _ChoicesField(
        label=gettext_lazy("Recipient types"),
        choices=RecipientType.choices,
        required=False,
        help_text=gettext_lazy("None ticked: anyone."),
    )

    class Meta:
        model = PolicyRule
        fields = ["kind", "action", "purposes", "recipient_types", "territory"]
        fields += ["valid_from", "valid_until", "position"]

    def clean_territory(self):
        return (self.cleaned_data.get("territory") or "").strip().upper()


class PolicyRuleFormSet(forms.BaseInlineFormSet):
    """The rules of a dataset, distribution or template, checked with the conditions of
    their owner as the owner's form just cleaned them (the formset shares its instance)."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # A client that posts no rules at all (a script, an older form) leaves them as they
        # are, rather than failing for a missing management form.
        self.rules_posted = not self.is_bound or f"{self.prefix}-TOTAL_FORMS" in self.data
        if not self.rules_posted:
            self.data = self.data.copy()
            self.data[f"{self.prefix}-TOTAL_FORMS"] = "0"
            self.data[f"{self.prefix}-INITIAL_FORMS"] = "0"

    def posted_rules(self) -> list[PolicyRule]:
        if not self.rules_posted:
            return list(self.get_queryset()) if self.instance.pk else []
        rules = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("action"):
                continue
            rules.append(form.instance)
        return rules

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        owner = self.instance
        pending = getattr(owner, "conditions_pending", {})
        rules = self.posted_rules()
        if pending.get("template") is not None:
            rules = list(pending["template"].rules.all())  # the posted ones are replaced
        agreement_text = pending.get("agreement_text")
        if isinstance(owner, PolicyTemplate):
            args = (owner.licence, owner.access_rights, owner.access_reason, None, rules)
            found = problems(*args, agreement_text=owner.agreement_text, require_reason=False)
        elif isinstance(owner, Dataset):
            found = problems(
                owner.licence,
                owner.access_rights,
                owner.access_reason,
                owner.access_reason_text,
                rules,
                agreement_text,
            )
        else:  # a distribution: without rules of its own, the dataset's apply
            dataset = owner.dataset if owner.dataset_id else None
            if dataset is None:
                return
            found = problems(
                owner.licence or dataset.licence,
                owner.access_rights or dataset.access_rights,
                dataset.access_reason,
                dataset.access_reason_text,
                rules or list(dataset.policy_rules.all()),
                require_reason=False,  # the distribution's form reports it
            )
        messages = [problem.message for problem in found if RULES in problem.fields]
        if messages:
            raise forms.ValidationError(messages)


# Plain language ----------------------------------------------------------------------------


def _either(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(some)s or %(last)s") % {"some": ", ".join(labels[:-1]), "last": labels[-1]}


def _labels(values, choices) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)).lower() for value in values or ()]


def _constraints(rule: PolicyRule) -> str:
    """The rule's constraints as the end of a sentence, e.g. " for research, if you are a
    research institution, in NL, until 31 December 2026"."""
    parts = []
    if rule.purposes:
        parts.append(
            _("for %(purposes)s") % {"purposes": _either(_labels(rule.purposes, Purpose.choices))}
        )
    if rule.recipient_types:
        recipients = _either(_labels(rule.recipient_types, RecipientType.choices))
        parts.append(_("if you are: %(recipients)s") % {"recipients": recipients})
    if rule.territory:
        parts.append(_("in %(territory)s") % {"territory": rule.territory})
    if rule.valid_from:
        parts.append(_("from %(date)s") % {"date": date_format(rule.valid_from)})
    if rule.valid_until:
        parts.append(_("until %(date)s") % {"date": date_format(rule.valid_until)})
    return (" " + ", ".join(parts)) if parts else ""


def _action_phrase(action: str) -> str:
    phrases = {
        PolicyAction.USE: _("Use the data"),
        PolicyAction.DISPLAY: _("Show the data"),
        PolicyAction.DISTRIBUTE: _("Share the data with others"),
        PolicyAction.DERIVE: _("Change the data or make something new from it"),
        PolicyAction.COMMERCIALIZE: _("Use the data commercially"),
        PolicyAction.AGGREGATE: _("Combine the data with other data"),
    }
    return str(phrases.get(action, _action_label(action)))


def _duty_phrase(action: str) -> str:
    phrases = {
        PolicyAction.ATTRIBUTE: _("Credit the source"),
        PolicyAction.SHARE_ALIKE: _("Share what you make from the data under the same terms"),
        PolicyAction.INFORM: _("Tell the publisher how you use the data"),
        PolicyAction.SIGN_AGREEMENT: _("Accept the publisher's agreement before you use the data"),
    }
    return str(phrases.get(action, _action_label(action)))


def _add(items: list[str], text: str) -> None:
    if text not in items:
        items.append(text)


def _licence_sentences(licence, may, must, may_not) -> None:
    if licence is None:
        _add(must, _("No licence is given: ask the publisher before you reuse the data."))
        return
    if licence.public_domain:
        _add(
            may, _("Use the data for any purpose, without conditions: it is in the public domain.")
        )
        return
    if licence.non_commercial:
        if licence.no_derivatives:
            _add(may, _("Use and share the data for non-commercial purposes."))
        else:
            _add(may, _("Use, share and adapt the data for non-commercial purposes."))
        _add(may_not, _("Use the data commercially."))
    elif licence.is_open:
        if licence.no_derivatives:
            _add(may, _("Use and share the data, also commercially."))
        else:
            _add(may, _("Use, share and adapt the data, also commercially."))
    if licence.no_derivatives:
        _add(may_not, _("Share changed versions of the data."))
    if licence.attribution:
        _add(must, _duty_phrase(PolicyAction.ATTRIBUTE) + ".")
    if licence.share_alike:
        _add(must, _("Share what you make from the data under the same licence."))
    if not licence.is_open:
        _add(must, _("Read the licence before you reuse the data: it is not an open licence."))


def explain(conditions: Conditions) -> dict:
    """The conditions in plain sentences of the active language.

    Returns {"access", "licence", "may", "must", "may_not", "access_steps", "reason",
    "reason_text", "legal_basis", "legal_basis_uri", "requires_agreement"}: lists of
    sentences, and the facts a page shows next to them.
    """
    dataset = conditions.dataset
    may, must, may_not, steps = [], [], [], []
    licence_may: list[str] = []
    _licence_sentences(conditions.licence, licence_may, must, may_not)
    # The licence's broad "you may" holds only for public data without a usage policy:
    # otherwise the policy's permissions and prohibitions say what is allowed (and a
    # prohibition wins, as catalog.reuse.check() decides), so repeating "share it, also
    # commercially" next to "you may not share it" would contradict the policy.
    policy = conditions.rules_of(PolicyRule.Kind.PERMISSION) or conditions.rules_of(
        PolicyRule.Kind.PROHIBITION
    )
    if conditions.access == PUBLIC and not policy:
        may.extend(licence_may)
    for rule in conditions.rules:
        sentence = _constraints(rule) + "."
        if rule.kind == PolicyRule.Kind.PERMISSION:
            _add(may, _action_phrase(rule.action) + sentence)
        elif rule.kind == PolicyRule.Kind.PROHIBITION:
            _add(may_not, _action_phrase(rule.action) + sentence)
        else:
            _add(must, _duty_phrase(rule.action) + sentence)
    access = conditions.access
    if access == PUBLIC:
        steps.append(_("Anyone may download the data, without registering."))
    elif access == RESTRICTED:
        if conditions.requires_agreement:
            steps.append(
                _(
                    "Access is restricted: request access on this page, describe your "
                    "intended use and accept the publisher's agreement."
                )
            )
        else:
            steps.append(
                _(
                    "Access is restricted: request access on this page, describing your "
                    "intended use."
                )
            )
    else:
        may = []  # nothing can be done with data that is not shared
        steps.append(
            _(
                "This data is not shared: only its description is public. There is no access "
                "request; contact the publisher with your questions."
            )
        )
    reason = dataset.get_access_reason_display() if dataset.access_reason else ""
    return {
        "access": access,
        "licence": conditions.licence,
        "may": may,
        "must": must,
        "may_not": may_not,
        "access_steps": steps,
        "reason": str(reason) if access != PUBLIC else "",
        "reason_text": str(dataset.access_reason_text) if access != PUBLIC else "",
        "legal_basis": str(dataset.legal_basis),
        "legal_basis_uri": dataset.legal_basis_uri,
        "requires_agreement": conditions.requires_agreement,
    }


def differences(dataset_conditions: Conditions, conditions: Conditions) -> list[str]:
    """What differs for a distribution from its dataset, as short phrases."""
    found = []
    if conditions.licence != dataset_conditions.licence and conditions.licence is not None:
        found.append(_("licence %(licence)s") % {"licence": conditions.licence.code})
    if conditions.access != dataset_conditions.access:
        label = conditions.access_rights.label if conditions.access_rights else conditions.access
        found.append(_("access: %(access)s") % {"access": str(label).lower()})
    own = [rule.pk for rule in conditions.rules]
    if own != [rule.pk for rule in dataset_conditions.rules]:
        found.append(
            ngettext("its own usage rule", "its own usage policy of %(count)d rules", len(own))
            % {"count": len(own)}
        )
    return found


def explain_dataset(dataset: Dataset, distributions: Iterable = ()) -> dict:
    """explain() for the dataset, and for each distribution whose conditions differ."""
    overall = effective_conditions(dataset)
    explained = explain(overall)
    explained["distributions"] = []
    for distribution in distributions:
        own = effective_conditions(dataset, distribution)
        changed = differences(overall, own)
        if changed:
            explained["distributions"].append(
                {"distribution": distribution, "differences": changed, **explain(own)}
            )
    return explained


# Data for the APIs -------------------------------------------------------------------------


def rule_data(rule: PolicyRule) -> dict:
    return {
        "kind": rule.kind,
        "action": rule.action,
        "action_iri": ACTION_IRIS.get(rule.action, ""),
        "purposes": list(rule.purposes or []),
        "recipient_types": list(rule.recipient_types or []),
        "territory": rule.territory,
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
    }


def as_data(conditions: Conditions) -> dict:
    """The conditions in the REST API's and CKAN's shape (codes, URIs, language maps)."""
    dataset = conditions.dataset
    licence, access_rights = conditions.licence, conditions.access_rights
    rights = dataset.rights
    if conditions.distribution is not None and _has_text(conditions.distribution.rights):
        rights = conditions.distribution.rights
    return {
        "licence": licence.code if licence else None,
        "licence_uri": licence.uri if licence else None,
        "access_rights": access_rights.code if access_rights else None,
        "access_rights_uri": access_rights.uri if access_rights else None,
        "access": conditions.access,
        "access_reason": dataset.access_reason or None,
        "access_reason_text": dict(dataset.access_reason_text or {}),
        "legal_basis": dict(dataset.legal_basis or {}),
        "legal_basis_uri": dataset.legal_basis_uri,
        "applicable_legislation": list(dataset.applicable_legislation or []),
        "rights": dict(rights or {}),
        "rights_holder": dataset.rights_holder,
        "requires_agreement": conditions.requires_agreement,
        "policy": [rule_data(rule) for rule in conditions.rules],
    }

"""Reuse conditions: what applies to a dataset or one of its distributions.

A distribution may override the dataset's licence, access rights and usage policy; what
is not overridden comes from the dataset. effective_conditions() resolves that once, so
the page that explains the conditions, the "may I use this?" check, DCAT, the APIs and
the access-request flow all read the same answer.

check() answers "may I use this?" for an intended use (purpose, commercial or not, actions,
recipient type, territory, date). Its semantics, deterministic and in this order:

1. Non-public data (access rights NON_PUBLIC) is "not_available", whatever the use: its
   reason and legal basis are given, and the only next step is to contact the publisher.
2. Each requested action is judged on its own. A rule covers an action when it names that
   action or "use" (the broadest ODRL action, which includes the others). A rule applies
   when each of its constraints is empty (any) or holds the use's value: purposes (a
   commercial use also counts as the purpose "commercial", any other use as
   "non_commercial"; a commercial use also asks for the action "commercialize"),
   recipient types, territories (a country, or EU for its members) and its period
   (valid_from/valid_until, inclusive). A use that names no territory meets a
   prohibition's territory but not a permission's: in doubt, the stricter reading.
3. Prohibitions first: the licence's flags are prohibitions too (non-commercial forbids
   every commercial use and "commercialize"; no-derivatives forbids "derive"). A matching
   prohibition wins over any permission: one prohibited action makes the verdict
   "prohibited".
4. Then permissions: an open licence permits every action for every purpose (subject to its
   flags), and so does a public licence with restrictions such as CC BY-NC or CC BY-ND
   (its flags are the restrictions); a licence without either (say "all rights reserved")
   permits nothing by itself. A matching permission rule permits its action. An action
   nothing permits is not silently allowed: it needs the publisher's agreement.
5. "needs_agreement" when the data is restricted, when an applicable duty asks to sign an
   agreement, or when an action is not covered, unless the user holds an approved, still
   active access request for this use (same purpose, commercial only if the request was,
   the actions among those requested). Otherwise "permitted", or "permitted_with_duties"
   when duties apply.
6. Duties are collected from every applicable duty rule and from the licence: attribution,
   and share-alike when the use derives, distributes or aggregates; a public-domain licence
   brings no duties.

Every reason names what decided, with a stable identifier such as "licence:non_commercial",
"policy:prohibition:12" or "default:not_covered".
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import (
    AccessReason,
    AccessRequest,
    Concept,
    Dataset,
    Distribution,
    Licence,
    PolicyAction,
    PolicyRule,
    Purpose,
    RecipientType,
)

ODRL = "http://www.w3.org/ns/odrl/2/"
# ODRL 2.2 Common Vocabulary actions for the portal's actions. Share-alike is expressed as
# odrl:nextPolicy (derived works carry the same policy) and signing an agreement as
# odrl:obtainConsent (the owner's consent, given by accepting the agreement).
ACTION_IRIS = {
    PolicyAction.USE: ODRL + "use",
    PolicyAction.DISPLAY: ODRL + "display",
    PolicyAction.DISTRIBUTE: ODRL + "distribute",
    PolicyAction.DERIVE: ODRL + "derive",
    PolicyAction.COMMERCIALIZE: ODRL + "commercialize",
    PolicyAction.AGGREGATE: ODRL + "aggregate",
    PolicyAction.ATTRIBUTE: ODRL + "attribute",
    PolicyAction.SHARE_ALIKE: ODRL + "nextPolicy",
    PolicyAction.INFORM: ODRL + "inform",
    PolicyAction.SIGN_AGREEMENT: ODRL + "obtainConsent",
}
DUTY_ACTIONS = {
    PolicyAction.ATTRIBUTE,
    PolicyAction.SHARE_ALIKE,
    PolicyAction.INFORM,
    PolicyAction.SIGN_AGREEMENT,
}

PUBLIC, RESTRICTED, NON_PUBLIC = "PUBLIC", "RESTRICTED", "NON_PUBLIC"


@dataclass
class Conditions:
    """The conditions in force for a dataset, or for one distribution of it."""

    dataset: Dataset
    distribution: Distribution | None
    licence: Licence | None
    access_rights: Concept | None
    rules: list[PolicyRule] = field(default_factory=list)

    @property
    def access(self) -> str:
        """PUBLIC, RESTRICTED or NON_PUBLIC. Undeclared access rights count as public: the
        files of a harvested dataset that names none are public at its source, and hiding
        their links would help nobody. What such data may be used for is a separate
        question: check() lets no use through that no licence or rule covers."""
        if self.access_rights is not None:
            return self.access_rights.code
        return PUBLIC

    @property
    def requires_agreement(self) -> bool:
        return any(
            rule.kind == PolicyRule.Kind.DUTY and rule.action == PolicyAction.SIGN_AGREEMENT
            for rule in self.rules
        )

    def rules_of(self, kind: str) -> list[PolicyRule]:
        return [rule for rule in self.rules if rule.kind == kind]


def _rules(owner) -> list[PolicyRule]:
    # Prefetched lists are used as they are (list pages prefetch "policy_rules").
    return list(owner.policy_rules.all())


def effective_conditions(dataset: Dataset, distribution: Distribution | None = None) -> Conditions:
    """The licence, access rights and usage-policy rules that apply.

    A distribution's own licence and access rights win over the dataset's; its rules, when
    it has any, replace the dataset's rules as a whole (a policy is read as one document).
    """
    if distribution is None:
        return Conditions(
            dataset=dataset,
            distribution=None,
            licence=dataset.licence,
            access_rights=dataset.access_rights,
            rules=_rules(dataset),
        )
    own_rules = _rules(distribution)
    return Conditions(
        dataset=dataset,
        distribution=distribution,
        licence=distribution.licence or dataset.licence,
        access_rights=distribution.access_rights or dataset.access_rights,
        rules=own_rules or _rules(dataset),
    )


# "May I use this?" (the semantics are in the module docstring) ----------------------------

PERMITTED = "permitted"
PERMITTED_WITH_DUTIES = "permitted_with_duties"
NEEDS_AGREEMENT = "needs_agreement"
PROHIBITED = "prohibited"
NOT_AVAILABLE = "not_available"
VERDICTS = [PERMITTED, PERMITTED_WITH_DUTIES, NEEDS_AGREEMENT, PROHIBITED, NOT_AVAILABLE]

# What a re-user can ask to do; the duty actions are what they must do in return.
CHECK_ACTIONS = [action for action in PolicyAction if action not in DUTY_ACTIONS]
# Share-alike binds what you pass on or make from the data, not reading it.
SHARING_ACTIONS = {PolicyAction.DISTRIBUTE, PolicyAction.DERIVE, PolicyAction.AGGREGATE}
# A rule's territory "EU" covers its member states (ISO 3166-1 alpha-2).
EU_MEMBERS = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)


@dataclass
class Use:
    """An intended use of the data, as the check form and the API describe it."""

    purpose: str
    recipient_type: str
    actions: list[str] = field(default_factory=lambda: [PolicyAction.USE])
    commercial: bool = False
    territory: str = ""
    date: datetime.date | None = None

    @property
    def is_commercial(self) -> bool:
        return self.commercial or self.purpose == Purpose.COMMERCIAL

    @property
    def purposes(self) -> set[str]:
        kind = Purpose.COMMERCIAL if self.is_commercial else Purpose.NON_COMMERCIAL
        return {self.purpose, kind}

    @property
    def ordered_actions(self) -> list[str]:
        # A commercial use commercialises the data, whatever else it does with it: a
        # prohibition of "commercialize" must stop it even when only "use" was ticked.
        wanted = set(self.actions) | ({PolicyAction.COMMERCIALIZE} if self.is_commercial else set())
        return [action for action in CHECK_ACTIONS if action in wanted]


@dataclass
class Verdict:
    verdict: str
    duties: list[dict] = field(default_factory=list)
    reasons: list[dict] = field(default_factory=list)
    next_steps: str = ""

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "duties": self.duties,
            "reasons": self.reasons,
            "next_steps": self.next_steps,
        }


def _territories(value: str) -> set[str]:
    return {code.upper() for code in re.split(r"[\s,;]+", value or "") if code}


def rule_applies(rule: PolicyRule, use: Use, today: datetime.date) -> bool:
    """Whether `rule`'s constraints and period admit `use` (its action is checked apart)."""
    if (rule.valid_from and today < rule.valid_from) or (
        rule.valid_until and today > rule.valid_until
    ):
        return False
    if rule.purposes and not use.purposes & set(rule.purposes):
        return False
    if rule.recipient_types and use.recipient_type not in rule.recipient_types:
        return False
    codes = _territories(rule.territory)
    if not codes:
        return True
    if not use.territory:
        return rule.kind == PolicyRule.Kind.PROHIBITION
    territory = use.territory.upper()
    return territory in codes or ("EU" in codes and territory in EU_MEMBERS)


def _covers(rule: PolicyRule, action: str) -> bool:
    return rule.action in (action, PolicyAction.USE)


def describe_rule(rule: PolicyRule) -> str:
    """A rule in plain words, e.g. "Use — purpose: Research; recipient: Government"."""
    parts = []
    if rule.purposes:
        labels = ", ".join(str(Purpose(p).label) for p in rule.purposes if p in Purpose.values)
        parts.append(_("purpose: %s") % labels)
    if rule.recipient_types:
        labels = ", ".join(
            str(RecipientType(r).label) for r in rule.recipient_types if r in RecipientType.values
        )
        parts.append(_("recipient: %s") % labels)
    if rule.territory:
        parts.append(_("territory: %s") % ", ".join(sorted(_territories(rule.territory))))
    if rule.valid_from:
        parts.append(_("from %s") % rule.valid_from.isoformat())
    if rule.valid_until:
        parts.append(_("until %s") % rule.valid_until.isoformat())
    action = str(rule.get_action_display())
    return f"{action} — {'; '.join(parts)}" if parts else action


def _reason(rule: str, text: str) -> dict:
    return {"rule": rule, "text": text}


def _rule_reason(rule: PolicyRule) -> dict:
    texts = {
        PolicyRule.Kind.PROHIBITION: _("The usage policy prohibits this: %s."),
        PolicyRule.Kind.PERMISSION: _("The usage policy permits this: %s."),
        PolicyRule.Kind.DUTY: _("The usage policy requires this: %s."),
    }
    return _reason(f"policy:{rule.kind}:{rule.pk}", texts[rule.kind] % describe_rule(rule))


def _licence_prohibitions(licence: Licence | None, action: str, use: Use) -> list[dict]:
    if licence is None:
        return []
    found = []
    if licence.non_commercial and (use.is_commercial or action == PolicyAction.COMMERCIALIZE):
        text = _("The licence %s allows non-commercial use only.") % licence.code
        found.append(_reason("licence:non_commercial", text))
    if licence.no_derivatives and action == PolicyAction.DERIVE:
        text = _("The licence %s does not allow changed or derived versions.") % licence.code
        found.append(_reason("licence:no_derivatives", text))
    return found


def _licence_permit(licence: Licence | None) -> dict | None:
    """What the licence itself grants: everything, short of its flags, when it is open or a
    public licence with restrictions (a "non-commercial only" or "no derivatives" flag only
    makes sense on a licence that grants the rest, such as CC BY-NC)."""
    if licence is None:
        return None
    if licence.is_open:
        text = _("The licence %s is open: it permits this use.") % licence.code
        return _reason("licence:open", text)
    if licence.non_commercial or licence.no_derivatives:
        text = _("The licence %s permits this use within its limits.") % licence.code
        return _reason("licence:permits", text)
    return None


def _dedupe(reasons: list[dict]) -> list[dict]:
    seen, unique = set(), []
    for reason in reasons:
        if reason["rule"] not in seen:
            seen.add(reason["rule"])
            unique.append(reason)
    return unique


def attribution_text(conditions: Conditions) -> str:
    """How to name the source: the rights statement, else holder, title and licence."""
    dataset = conditions.dataset
    if str(dataset.rights).strip():
        return str(dataset.rights).strip()
    parts = [dataset.rights_holder or str(dataset.publisher.name), f"“{dataset.title}”"]
    if conditions.licence is not None:
        parts.append(conditions.licence.code)
    return ", ".join(parts)


def _duty(action: str, label: str) -> dict:
    return {"action": str(action), "label": label}


def _duties(conditions: Conditions, rules: list[PolicyRule], use: Use) -> list[dict]:
    duties = {}
    licence = conditions.licence
    if licence is not None and not licence.public_domain:
        if licence.attribution:
            label = _("Name the source: %s") % attribution_text(conditions)
            duties[PolicyAction.ATTRIBUTE] = _duty(PolicyAction.ATTRIBUTE, label)
        if licence.share_alike and SHARING_ACTIONS & set(use.actions):
            label = _("Share what you make from it under the same licence (%s).") % licence.code
            duties[PolicyAction.SHARE_ALIKE] = _duty(PolicyAction.SHARE_ALIKE, label)
    publisher = str(conditions.dataset.publisher.name)
    labels = {
        PolicyAction.ATTRIBUTE: _("Name the source: %s") % attribution_text(conditions),
        PolicyAction.SHARE_ALIKE: _("Share what you make from it under the same conditions."),
        PolicyAction.INFORM: _("Tell %s how you use the data.") % publisher,
        PolicyAction.SIGN_AGREEMENT: _("Accept the publisher's agreement before you use it."),
    }
    for rule in rules:
        if rule.kind == PolicyRule.Kind.DUTY and rule.action in labels:
            duties.setdefault(rule.action, _duty(rule.action, labels[rule.action]))
    order = list(PolicyAction)
    return [duties[action] for action in sorted(duties, key=order.index)]


def _request_covers(request: AccessRequest, use: Use) -> bool:
    if request.purpose != use.purpose or (use.is_commercial and not request.commercial):
        return False
    if request.actions and not set(use.actions) <= set(request.actions):
        return False
    if request.recipient_type and request.recipient_type != use.recipient_type:
        return False
    return not (request.territory and use.territory and request.territory.upper() != use.territory)


def covering_request(dataset: Dataset, use: Use, user, today) -> AccessRequest | None:
    """The user's approved, still active access request to `dataset` that covers `use`."""
    if user is None or not user.is_authenticated:
        return None
    requests = AccessRequest.objects.active(today).filter(dataset=dataset, user=user)
    return next((r for r in requests.order_by("pk") if _request_covers(r, use)), None)


def _not_available(conditions: Conditions) -> Verdict:
    dataset = conditions.dataset
    text = _("This data is not public.")
    if dataset.access_reason:
        reason = str(AccessReason(dataset.access_reason).label)
        if str(dataset.access_reason_text).strip():
            reason = f"{reason}: {str(dataset.access_reason_text).strip()}"
        text += " " + _("Reason: %s.") % reason.rstrip(".")
    if str(dataset.legal_basis).strip() or dataset.legal_basis_uri:
        basis = " ".join(filter(None, [str(dataset.legal_basis).strip(), dataset.legal_basis_uri]))
        text += " " + _("Legal basis: %s") % basis
    steps = _("It is not shared, so it cannot be requested. Contact %s with any question.")
    return Verdict(
        NOT_AVAILABLE,
        reasons=[_reason("access:non_public", text)],
        next_steps=steps % _contact(dataset),
    )


def _contact(dataset: Dataset) -> str:
    name = str(dataset.publisher.name)
    return f"{name} ({dataset.publisher.email})" if dataset.publisher.email else name


def check(conditions: Conditions, use: Use, user=None) -> Verdict:
    """Judge `use` against `conditions`, for `user` when given (see the module docstring)."""
    if conditions.access == NON_PUBLIC:
        return _not_available(conditions)
    today = use.date or timezone.localdate()
    licence = conditions.licence
    rules = [rule for rule in conditions.rules if rule_applies(rule, use, today)]
    prohibited, permitted, uncovered = [], [], []
    for action in use.ordered_actions:
        against = _licence_prohibitions(licence, action, use) + [
            _rule_reason(rule)
            for rule in rules
            if rule.kind == PolicyRule.Kind.PROHIBITION and _covers(rule, action)
        ]
        if against:
            prohibited += against
            continue
        permits = [
            _rule_reason(rule)
            for rule in rules
            if rule.kind == PolicyRule.Kind.PERMISSION and _covers(rule, action)
        ]
        licence_permit = _licence_permit(licence)
        if licence_permit:
            permits.insert(0, licence_permit)
        permitted += permits
        if not permits:
            uncovered.append(action)
    dataset = conditions.dataset
    if prohibited:
        steps = _("This use is not allowed. Contact %s if you want to ask for other terms.")
        return Verdict(
            PROHIBITED, reasons=_dedupe(prohibited), next_steps=steps % _contact(dataset)
        )

    duties = _duties(conditions, rules, use)
    blockers = []
    if conditions.access == RESTRICTED:
        text = _("Access to this data is restricted: the publisher grants it on request.")
        blockers.append(_reason("access:restricted", text))
    blockers += [
        _rule_reason(rule)
        for rule in rules
        if rule.kind == PolicyRule.Kind.DUTY and rule.action == PolicyAction.SIGN_AGREEMENT
    ]
    if uncovered:
        labels = ", ".join(str(PolicyAction(action).label) for action in uncovered)
        text = _(
            "No licence or rule permits this for your use (%s): it needs the publisher's agreement."
        )
        blockers.append(_reason("default:not_covered", text % labels.lower()))
    if blockers:
        request = covering_request(dataset, use, user, today)
        if request is None:
            return Verdict(
                NEEDS_AGREEMENT,
                duties=duties,
                reasons=_dedupe(blockers + permitted),
                next_steps=_agreement_steps(conditions),
            )
        text = _("Your access request was approved for this use.")
        if request.access_until:
            text += " " + _("Access until %s.") % request.access_until.isoformat()
        permitted.insert(0, _reason(f"access:request:{request.pk}", text))
        duties = [duty for duty in duties if duty["action"] != PolicyAction.SIGN_AGREEMENT]
        if request.extra_conditions.strip():
            label = _("Keep to the extra conditions of your approval: %s")
            duties.append(_duty("extra_conditions", label % request.extra_conditions.strip()))
    verdict = PERMITTED_WITH_DUTIES if duties else PERMITTED
    return Verdict(verdict, duties=duties, reasons=_dedupe(permitted), next_steps=_go_ahead(duties))


def _agreement_steps(conditions: Conditions) -> str:
    dataset = conditions.dataset
    if conditions.access == RESTRICTED or conditions.requires_agreement:
        steps = _(
            "Sign in and request access on the dataset page (%(url)s): describe your use and "
            "accept the agreement. The publisher decides; you can also contact %(contact)s."
        )
    else:
        steps = _(
            "Ask the publisher for permission before this use: contact %(contact)s and "
            "describe what you want to do (%(url)s)."
        )
    url = settings.SITE_URL + dataset.get_absolute_url()
    return steps % {"url": url, "contact": _contact(dataset)}


def _go_ahead(duties: list[dict]) -> str:
    if not duties:
        return _("You may go ahead.")
    return " ".join([_("You may go ahead, on these conditions:"), *(d["label"] for d in duties)])


def check_queryset(user):
    """Datasets `user` may check, with what check() reads in a fixed number of queries."""
    return (
        Dataset.objects.visible_to(user)
        .select_related("publisher", "licence", "access_rights")
        .prefetch_related("policy_rules")
    )


def check_dataset(dataset: Dataset, use: Use, *, distribution=None, user=None) -> Verdict:
    return check(effective_conditions(dataset, distribution), use, user=user)

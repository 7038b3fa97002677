"""Reuse conditions: what applies to a dataset or one of its distributions.

A distribution may override the dataset's licence, access rights and usage policy; what
is not overridden comes from the dataset. effective_conditions() resolves that once, so
the page that explains the conditions, the "may I use this?" check, DCAT, the APIs and
the access-request flow all read the same answer.
"""

from dataclasses import dataclass, field

from catalog.models import Concept, Dataset, Distribution, Licence, PolicyAction, PolicyRule

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
        """PUBLIC, RESTRICTED or NON_PUBLIC; a dataset without access rights counts as public
        only when it has an open licence, else as restricted: unknown is not open."""
        if self.access_rights is not None:
            return self.access_rights.code
        return PUBLIC if self.licence is not None and self.licence.is_open else RESTRICTED

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

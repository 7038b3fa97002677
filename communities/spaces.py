"""Community spaces: their datasets counted for many communities at once, their members by
role, their questions and their activity stream, each in a fixed number of queries.

Only what anyone may see: published datasets, visible posts, approved reuses.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q

from catalog.models import Dataset, Reuse
from communities.models import Answer, Community, DataRequest, Membership, Question

ACTIVITY_LENGTH = 20
# Members are listed by role, the people who carry the community first.
ROLE_ORDER = [
    Membership.Role.MANAGER,
    Membership.Role.OWNER,
    Membership.Role.EXPERT,
    Membership.Role.MODERATOR,
    Membership.Role.REUSER,
]
REUSERS_SHOWN = 24


def with_member_counts(communities):
    return communities.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__status=Membership.Status.ACTIVE), distinct=True
        )
    )


def dataset_counts(communities) -> dict[int, int]:
    """{community id: number of published datasets in its scope} (see dataset_scopes)."""
    return {pk: len(datasets) for pk, datasets in dataset_scopes(communities).items()}


def dataset_scopes(communities) -> dict[int, set[int]]:
    """{community id: ids of the published datasets in its scope}, in at most six queries
    whatever the number of communities.

    Community.scope_q() per community would cost queries per community; here each kind of
    rule is resolved once for all of them and the scopes are united in Python, so a dataset
    that several rules pick is counted once, as datasets_in_scope() counts it.
    """
    communities = list(communities)
    ids = [community.pk for community in communities]
    scopes: dict[int, set[int]] = {pk: set() for pk in ids}
    published = Dataset.objects.published().values("pk")

    for community_id, dataset_id in Community.datasets.through.objects.filter(
        community_id__in=ids, dataset__in=published
    ).values_list("community_id", "dataset_id"):
        scopes[community_id].add(dataset_id)

    rules = Community.rule_publishers.through.objects.filter(community_id__in=ids)
    _unite(
        scopes,
        rules.values_list("community_id", "publisher_id"),
        lambda keys: (
            Dataset.objects.published().filter(publisher__in=keys).values_list("publisher_id", "pk")
        ),
    )
    rules = Community.rule_themes.through.objects.filter(community_id__in=ids)
    _unite(
        scopes,
        rules.values_list("community_id", "concept_id"),
        lambda keys: Dataset.themes.through.objects.filter(
            concept__in=keys, dataset__in=published
        ).values_list("concept_id", "dataset_id"),
    )
    _unite(
        scopes,
        [(c.pk, keyword) for c in communities for keyword in c.rule_keywords or []],
        lambda keys: Dataset.keywords.through.objects.filter(
            keyword__value__in=keys, dataset__in=published
        ).values_list("keyword__value", "dataset_id"),
    )
    return scopes


def _unite(scopes, rules, datasets_by_key) -> None:
    """Add to each community's scope the datasets its rule keys select."""
    keys_of = defaultdict(set)
    for community_id, key in rules:
        keys_of[community_id].add(key)
    if not keys_of:
        return
    datasets_of = defaultdict(set)
    for key, dataset_id in datasets_by_key(set().union(*keys_of.values())):
        datasets_of[key].add(dataset_id)
    for community_id, keys in keys_of.items():
        for key in keys:
            scopes[community_id] |= datasets_of[key]


def members_by_role(community) -> list[dict]:
    """[{role, label, members, count}] of the active members, in ROLE_ORDER; re-users,
    who may be many, only the first REUSERS_SHOWN of them."""
    active = community.memberships.filter(status=Membership.Status.ACTIVE).select_related(
        "user__profile", "publisher"
    )
    by_role = defaultdict(list)
    for membership in active.exclude(role=Membership.Role.REUSER).order_by("joined_at", "pk"):
        by_role[membership.role].append(membership)
    reusers = active.filter(role=Membership.Role.REUSER).order_by("-joined_at", "-pk")
    by_role[Membership.Role.REUSER] = list(reusers[:REUSERS_SHOWN])
    groups = []
    for role in ROLE_ORDER:
        members = by_role[role]
        count = len(members)
        if role == Membership.Role.REUSER and count == REUSERS_SHOWN:
            count = reusers.count()
        if members:
            groups.append({"role": role, "label": role.label, "members": members, "count": count})
    return groups


def community_questions(community, datasets):
    """The visible questions of a community: asked in it, or on one of its `datasets`
    (its published scope). Questions on a dataset that is no longer published are left out."""
    return (
        Question.objects.visible()
        .filter(Q(community=community) | Q(dataset__in=datasets.values("pk")))
        .exclude(dataset__in=Dataset.objects.exclude(status=Dataset.Status.PUBLISHED))
    )


def open_questions(questions, *, limit: int = 10):
    return (
        questions.filter(status=Question.Status.OPEN)
        .select_related("author__profile", "dataset")
        .annotate(
            answer_count=Count(
                "answers",
                filter=Q(
                    answers__is_deleted=False, answers__is_hidden=False, answers__is_held=False
                ),
            )
        )
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Activity:
    """One line of a community's activity stream."""

    kind: str  # dataset, question, answer, request or reuse
    when: datetime
    item: object


def recent(community, datasets, questions, *, limit: int = ACTIVITY_LENGTH) -> dict:
    """The newest datasets, questions, answers, data requests and reuses of a community, and
    the activity stream merged from them, newest first: one query per kind."""
    items = {
        "datasets": list(
            datasets.filter(published_at__isnull=False)
            .select_related("publisher")
            .order_by(F("published_at").desc(), "-pk")[:limit]
        ),
        "questions": list(
            questions.select_related("author__profile", "dataset").order_by("-created_at", "-pk")[
                :limit
            ]
        ),
        "answers": list(
            Answer.objects.visible()
            .filter(question__in=questions.values("pk"))
            .select_related("author__profile", "question", "on_behalf_of")
            .order_by("-created_at", "-pk")[:limit]
        ),
        "requests": list(
            DataRequest.objects.visible()
            .filter(community=community)
            .select_related("owner")
            .order_by("-created_at", "-pk")[:limit]
        ),
        "reuses": list(
            Reuse.objects.approved()
            .filter(pk__in=Reuse.datasets.through.objects.filter(
                dataset__in=datasets.values("pk")
            ).values("reuse_id"))
            .order_by("-created_at", "-pk")[:limit]
        ),
    }  # fmt: skip
    stream = [
        *(Activity("dataset", dataset.published_at, dataset) for dataset in items["datasets"]),
        *(Activity("question", question.created_at, question) for question in items["questions"]),
        *(Activity("answer", answer.created_at, answer) for answer in items["answers"]),
        *(Activity("request", request.created_at, request) for request in items["requests"]),
        *(Activity("reuse", reuse.created_at, reuse) for reuse in items["reuses"]),
    ]
    stream.sort(key=lambda activity: activity.when, reverse=True)
    items["activity"] = stream[:limit]
    return items

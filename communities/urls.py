from django.urls import path

from communities import moderation, notify, questions, requests, views

app_name = "communities"

urlpatterns = [
    # Community spaces and membership (communities/views.py)
    path("communities/", views.community_list, name="community-list"),
    path("communities/<slug:slug>/", views.community_detail, name="community-detail"),
    path("communities/<slug:slug>/join/", views.join, name="community-join"),
    path("communities/<slug:slug>/leave/", views.leave, name="community-leave"),
    path("communities/<slug:slug>/members/", views.member_list, name="member-list"),
    path(
        "communities/<slug:slug>/members/<int:pk>/approve/",
        views.member_approve,
        name="member-approve",
    ),
    path(
        "communities/<slug:slug>/members/<int:pk>/refuse/",
        views.member_refuse,
        name="member-refuse",
    ),
    path("communities/<slug:slug>/members/<int:pk>/role/", views.member_role, name="member-role"),
    path(
        "communities/<slug:slug>/members/<int:pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    # Questions, answers and comments (communities/questions.py)
    path("communities/<slug:slug>/ask/", questions.question_ask, name="question-ask"),
    path(
        "communities/<slug:slug>/questions/",
        questions.community_questions,
        name="community-questions",
    ),
    # Next to catalog's datasets/<slug>/... pages; none of those ends in ask/ or questions/.
    path("datasets/<slug:slug>/ask/", questions.dataset_question_ask, name="dataset-question-ask"),
    path("datasets/<slug:slug>/questions/", questions.dataset_questions, name="dataset-questions"),
    path("questions/<int:pk>/", questions.question_detail, name="question-detail"),
    path("questions/<int:pk>/answer/", questions.question_answer, name="question-answer"),
    path(
        "questions/<int:pk>/close/",
        questions.question_status,
        {"status": "closed"},
        name="question-close",
    ),
    path(
        "questions/<int:pk>/reopen/",
        questions.question_status,
        {"status": "open"},
        name="question-reopen",
    ),
    path("questions/<int:pk>/follow/", questions.question_follow, name="question-follow"),
    path("answers/<int:pk>/comment/", questions.answer_comment, name="answer-comment"),
    path("answers/<int:pk>/accept/", questions.answer_accept, name="answer-accept"),
    # Editing and deleting one's own posts
    path(
        "questions/<int:pk>/edit/",
        questions.post_edit,
        {"kind": "question"},
        name="question-edit",
    ),
    path(
        "questions/<int:pk>/delete/",
        questions.post_delete,
        {"kind": "question"},
        name="question-delete",
    ),
    path(
        "answers/<int:pk>/edit/",
        questions.post_edit,
        {"kind": "answer"},
        name="answer-edit",
    ),
    path(
        "answers/<int:pk>/delete/",
        questions.post_delete,
        {"kind": "answer"},
        name="answer-delete",
    ),
    path(
        "comments/<int:pk>/edit/",
        questions.post_edit,
        {"kind": "comment"},
        name="comment-edit",
    ),
    path(
        "comments/<int:pk>/delete/",
        questions.post_delete,
        {"kind": "comment"},
        name="comment-delete",
    ),
    # Profiles
    path("people/<str:username>/", views.profile_detail, name="profile-detail"),
    path("account/profile/", views.profile_edit, name="profile-edit"),
    # Data requests (communities/requests.py)
    path("data-requests/", requests.request_list, name="request-list"),
    path("data-requests/new/", requests.request_create, name="request-create"),
    path("data-requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("data-requests/<int:pk>/support/", requests.request_support, name="request-support"),
    path("data-requests/<int:pk>/comment/", requests.request_comment, name="request-comment"),
    path("data-requests/<int:pk>/status/", requests.request_status, name="request-status"),
    # Notifications and following (communities/notify.py)
    path("notifications/", notify.notification_list, name="notifications"),
    path("notifications/unsubscribe/<str:token>/", notify.unsubscribe, name="unsubscribe"),
    path("account/notifications/", notify.notification_settings, name="notification-settings"),
    path("follow/", notify.follow_toggle, name="follow"),
    # Moderation (communities/moderation.py)
    path("report/<str:kind>/<int:pk>/", moderation.report_post, name="report"),
    path("moderation/", moderation.moderation_queue, name="moderation-queue"),
    path("moderation/<str:kind>/<int:pk>/", moderation.moderate, name="moderate"),
]

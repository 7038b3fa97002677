from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("")


dataset_list = dataset_detail = distribution_download = _todo
publisher_list = publisher_detail = dataservice_detail = _todo

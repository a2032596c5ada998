"""The knowledge base in the web, in both languages: the case page offers to write an
article once resolved and suggests published ones on new cases; the list, the article and
its history; a supervisor publishes, retires; bad input is shown, never a 500."""

from __future__ import annotations

from caseledger.knowledge.models import Article, ArticleStatus
from tests.factories import make_case
from tests.knowledge.conftest import TEXT


def zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_an_agent_writes_an_article_from_a_resolved_case_page(people, login, resolved):
    client = zh(login(people.agent))
    page = client.get(f"/cases/{resolved.pk}/").content.decode()
    assert "撰写知识文章" in page
    form = client.get(f"/cases/{resolved.pk}/article/")
    assert form.status_code == 200 and "退款未到账" in form.content.decode()
    response = client.post(f"/cases/{resolved.pk}/article/", TEXT)
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/knowledge/{article.pk}/"
    detail = client.get(f"/knowledge/{article.pk}/").content.decode()
    assert TEXT["title_zh"] in detail and "待审核" in detail
    assert 'id="article-publish"' not in detail  # the writer may not publish


def test_an_empty_article_form_is_shown_again_with_the_error(people, login, resolved):
    client = zh(login(people.agent))
    response = client.post(f"/cases/{resolved.pk}/article/", {"title_zh": "", "answer_zh": ""})
    assert response.status_code == 422
    assert "请至少用中文或英文写出标题和解答" in response.content.decode()
    assert not Article.objects.exists()


def test_an_open_case_offers_no_article_and_refuses_one(people, login, case):
    client = login(people.agent)
    assert 'id="write-article"' not in client.get(f"/cases/{case.pk}/").content.decode()
    response = client.post(f"/cases/{case.pk}/article/", TEXT)
    assert response.status_code == 422 and not Article.objects.exists()


def test_a_supervisor_publishes_and_a_new_case_of_the_category_suggests_it(
    people, login, customer, article
):
    boss = zh(login(people.supervisor))
    assert 'id="article-publish"' in boss.get(f"/knowledge/{article.pk}/").content.decode()
    boss.post(f"/knowledge/{article.pk}/publish/")
    assert Article.objects.get().status == ArticleStatus.PUBLISHED
    new = make_case(people.agent, customer)
    page = zh(login(people.agent)).get(f"/cases/{new.pk}/").content.decode()
    assert TEXT["title_zh"] in page and "本类别的知识文章" in page


def test_an_edit_makes_a_version_shown_in_the_history(people, login, published):
    client = login(people.agent)
    form = client.get(f"/knowledge/{published.pk}/edit/")
    assert form.status_code == 200
    data = {**TEXT, "answer_en": "Now within one day.", "reason": "faster", "version": "1"}
    assert client.post(f"/knowledge/{published.pk}/edit/", data).status_code == 302
    stale = client.post(f"/knowledge/{published.pk}/edit/", {**data, "answer_en": "x"})
    assert stale.status_code == 422
    page = client.get(f"/knowledge/{published.pk}/").content.decode()
    assert "faster" in page and 'id="article-versions"' in page


def test_a_supervisor_retires_an_article_with_a_reason(people, login, published):
    client = zh(login(people.supervisor))
    client.post(f"/knowledge/{published.pk}/retire/", {"reason": ""})
    assert Article.objects.get().status == ArticleStatus.PUBLISHED
    client.post(f"/knowledge/{published.pk}/retire/", {"reason": "政策已变"})
    assert Article.objects.get().status == ArticleStatus.RETIRED
    assert "已停用" in client.get(f"/knowledge/{published.pk}/").content.decode()


def test_the_list_searches_articles_in_both_languages(people, login, published):
    client = login(people.agent)
    english = client.get("/knowledge/?q=manual").content.decode()
    assert TEXT["title_zh"] in english and "<mark>manual</mark>" in english
    chinese = zh(login(people.agent)).get("/knowledge/").content.decode()
    assert "知识库" in chinese and TEXT["title_zh"] in chinese
    assert client.get("/knowledge/?q=%22").status_code == 422
    assert client.get("/knowledge/?status=nonsense").status_code == 200


def test_the_search_page_shows_matching_articles_above_the_cases(people, login, published):
    page = login(people.agent).get("/search/?q=退款").content.decode()
    assert 'id="article-hits"' in page and TEXT["title_zh"] in page


def test_other_departments_and_administrators_get_no_article(people, login, published):
    assert login(people.outsider).get(f"/knowledge/{published.pk}/").status_code == 404
    assert login(people.outsider).post(f"/knowledge/{published.pk}/publish/").status_code == 404
    assert login(people.admin).get("/knowledge/").status_code == 403
    assert login(people.agent).get("/knowledge/999999/").status_code == 404

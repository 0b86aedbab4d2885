"""Build annotated stories from short texts for the language-layer tests (real model, no mocks)."""

from __future__ import annotations

from newsprism.model import Article
from newsprism.nlp import AnnotatedArticle, annotate


def article(
    article_id: str, text: str, published: str | None = "2023-06-21", outlet: str | None = None
) -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        outlet=outlet,
        domain=None,
        title=None,
        published=published,
        language="en",
        text=text,
    )


def story(*texts: str, published: str | None = "2023-06-21") -> list[AnnotatedArticle]:
    return annotate([article(f"a{i}", text, published) for i, text in enumerate(texts)])

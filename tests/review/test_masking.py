"""Masking an essay: each form of the student's name, school and guardian, on the pure function.

Worked examples written out by hand, then properties (Hypothesis): an essay embedding the
name in any of its forms comes out without it, and an essay without it comes out unchanged.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.review.masking import (
    MASK,
    Identity,
    find_spans,
    mask_essay,
    normalise,
    school_forms,
    terms_for,
)

TARO = Identity(
    family_name="山田",
    given_name="太郎",
    family_name_kana="やまだ",
    given_name_kana="たろう",
    school_names=("福岡県立小倉高等学校",),
    guardian_name="山田 花子",
)


@pytest.mark.parametrize(
    ("essay", "masked"),
    [
        # Kanji, with no space, a half-width space and a full-width space.
        ("私は山田太郎です。", "私は■■です。"),
        ("私は山田 太郎です。", "私は■■です。"),
        ("私は山田\u3000太郎です。", "私は■■です。"),
        # Given name first, as on an English form.
        ("太郎 山田より", "■■より"),
        # Each name alone.
        ("山田家の長男で、太郎と呼ばれます。", "■■家の長男で、■■と呼ばれます。"),
        # Kana as registered (hiragana), and in katakana, and in half-width katakana.
        ("やまだ たろうです。", "■■です。"),
        ("ヤマダタロウです。", "■■です。"),
        ("ﾔﾏﾀﾞ ﾀﾛｳです。", "■■です。"),
        ("みんなにタロウと呼ばれる。", "みんなに■■と呼ばれる。"),
        # Kanji family name, kana given name: two touching spans make one mask.
        ("山田たろう", "■■"),
        # A middle dot between the parts.
        ("ヤマダ・タロウ", "■■"),
    ],
)
def test_each_form_of_the_student_s_name_is_masked(essay, masked):
    assert mask_essay(essay, TARO) == masked


def test_katakana_registered_names_are_masked_in_hiragana_too():
    himitsu = Identity(family_name_kana="ヒミツカワ", given_name_kana="カノンコ")
    assert mask_essay("ひみつかわ かのんこといいます。", himitsu) == "■■といいます。"
    assert mask_essay("ヒミツカワさん", himitsu) == "■■さん"


@pytest.mark.parametrize(
    ("essay", "masked"),
    [
        ("福岡県立小倉高等学校に通っています。", "■■に通っています。"),
        ("県立小倉高等学校の二年生です。", "■■の二年生です。"),
        ("小倉高等学校の二年生です。", "■■の二年生です。"),
        ("小倉高校の二年生です。", "■■の二年生です。"),
        ("小倉高の水泳部です。", "■■の水泳部です。"),
        ("ｺｸﾗ", "ｺｸﾗ"),
        # The bare place name is a ward of the city too: kept.
        ("小倉の町が好きです。", "小倉の町が好きです。"),
    ],
)
def test_the_school_and_its_short_forms_are_masked(essay, masked):
    assert mask_essay(essay, TARO) == masked


def test_school_forms_follow_the_rules_of_the_docstring():
    assert school_forms("福岡県立小倉高等学校") == [
        "福岡県立小倉高等学校",
        "県立小倉高等学校",
        "福岡県立小倉高校",
        "福岡県立小倉高",
        "小倉高等学校",
        "県立小倉高校",
        "県立小倉高",
        "小倉高校",
        "小倉高",
    ]
    assert school_forms("北九州市立戸畑中学校") == [
        "北九州市立戸畑中学校",
        "北九州市立戸畑中学",
        "北九州市立戸畑中",
        "市立戸畑中学校",
        "市立戸畑中学",
        "市立戸畑中",
        "戸畑中学校",
        "戸畑中学",
        "戸畑中",
    ]
    assert school_forms("北九州工業高等専門学校") == ["北九州工業高等専門学校", "北九州工業高専"]
    assert school_forms("私立明治学園高等学校")[-2:] == ["明治学園高校", "明治学園高"]
    # The directory's kana (in katakana) gives the spoken short form.
    assert "こくらこうこう" in school_forms("コクラコウトウガッコウ")
    # The kind alone is never a form of the school.
    assert school_forms("高等学校") == ["高等学校"]


def test_a_school_in_kana_is_masked_in_its_short_form():
    kana = Identity(school_names=("ふくおかけんりつこくらこうとうがっこう",))
    assert mask_essay("コクラコウコウにかよう", kana) == "■■にかよう"


@pytest.mark.parametrize(
    ("essay", "masked"),
    [
        ("母の山田花子も応援しています。", "母の■■も応援しています。"),
        ("母の花子も応援しています。", "母の■■も応援しています。"),
        ("母（山田 花子）", "母（■■）"),
    ],
)
def test_the_guardian_s_name_and_its_parts_are_masked(essay, masked):
    assert mask_essay(essay, TARO) == masked


def test_a_guardian_name_written_without_a_space_is_split_after_the_student_s_family_name():
    identity = Identity(family_name="山田", given_name="太郎", guardian_name="山田花子")
    assert mask_essay("花子という母", identity) == "■■という母"


def test_the_mask_is_one_symbol_pair_per_span_whatever_its_length():
    assert mask_essay("福岡県立小倉高等学校", TARO) == MASK
    assert mask_essay("山田太郎、山田", TARO) == "■■、■■"


def test_everything_else_keeps_its_width_and_line_breaks():
    essay = "ＡＢＣ１２３の山田です。\n二行目　全角スペース。"
    assert mask_essay(essay, TARO) == "ＡＢＣ１２３の■■です。\n二行目　全角スペース。"


def test_a_line_break_between_two_masks_stays():
    assert mask_essay("山田\n山田", TARO) == "■■\n■■"


def test_manual_phrases_are_masked_everywhere_however_they_are_typed():
    identity = Identity(phrases=("ｶﾝﾎﾞｼﾞｱ",))
    assert mask_essay("カンボジアに行き、かんぼじあの水を見た。", identity) == "■■に行き、■■の水を見た。"


def test_a_latin_name_is_masked_as_a_whole_word_and_in_any_case():
    identity = Identity(family_name="Nguyen", given_name="Hoa", guardian_name="Nguyen Thi Lan")
    assert mask_essay("I am HOA NGUYEN. Hoang is my friend.", identity) == "I am ■■. Hoang is my friend."
    assert mask_essay("ｎｇｕｙｅｎ", identity) == MASK


def test_words_too_short_to_identify_anyone_are_not_masked():
    identity = Identity(family_name="林", given_name="え", family_name_kana="はやし", given_name_kana="え")
    assert mask_essay("林の中で、えがおの人に会った。", identity) == "■■の中で、えがおの人に会った。"
    assert [t.text for t in terms_for(identity)] == ["はやしえ", "えはやし", "はやし", "林え", "え林", "林"]


def test_an_empty_identity_changes_nothing():
    essay = "私は水道について学びたい。"
    assert mask_essay(essay, Identity()) == essay
    assert find_spans(essay, terms_for(Identity())) == []


def test_kanji_variants_that_are_hard_to_type_match_their_common_form():
    identity = Identity(family_name="髙﨑", given_name="健")
    assert mask_essay("高崎健です", identity) == "■■です"


# Properties ------------------------------------------------------------------------------------

KANJI = "山田川森林高橋佐藤伊鈴木渡辺中村小松本井上"
HIRAGANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
OTHER = "、。！？のはがをにでとも水道研修町国語学ぶ考える\n 　"
# No kana and none of the names' kanji: text that cannot hold any name drawn below.
NAMELESS = "、。！？水道研修町国語学考\n 　ABCdef123ａｂｃ１２３"
SPACES = ["", " ", "\u3000", "・"]


def _katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


@st.composite
def identities(draw) -> Identity:
    family = draw(st.text(KANJI, min_size=1, max_size=3))
    given = draw(st.text(KANJI, min_size=1, max_size=3))
    family_kana = draw(st.text(HIRAGANA, min_size=2, max_size=5))
    given_kana = draw(st.text(HIRAGANA, min_size=2, max_size=5))
    return Identity(family, given, family_kana, given_kana)


@st.composite
def written_forms(draw, identity: Identity) -> str:
    """The name as a student may write it: kanji or kana, either script, either order, any space."""
    family, given = draw(
        st.sampled_from(
            [
                (identity.family_name, identity.given_name),
                (identity.family_name_kana, identity.given_name_kana),
                (_katakana(identity.family_name_kana), _katakana(identity.given_name_kana)),
                (identity.family_name, identity.given_name_kana),
            ]
        )
    )
    space = draw(st.sampled_from(SPACES))
    shape = draw(st.sampled_from(["full", "reversed", "family", "given"]))
    return {
        "full": family + space + given,
        "reversed": given + space + family,
        "family": family,
        "given": given,
    }[shape]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_essay_embedding_the_name_in_any_form_comes_out_without_it(data):
    identity = data.draw(identities())
    pieces = data.draw(st.lists(st.text(OTHER + HIRAGANA + KANJI, max_size=30), min_size=1, max_size=5))
    names = [data.draw(written_forms(identity)) for _ in pieces]
    essay = "".join(piece + name for piece, name in zip(pieces, names, strict=True))
    masked = mask_essay(essay, identity)
    assert MASK in masked
    rest = normalise(masked)
    for part in (
        identity.family_name,
        identity.given_name,
        identity.family_name_kana,
        identity.given_name_kana,
    ):
        assert normalise(part) not in rest


@settings(max_examples=300, deadline=None)
@given(identity=identities(), essay=st.text(NAMELESS, max_size=200))
def test_an_essay_without_the_name_comes_out_unchanged(identity, essay):
    assert mask_essay(essay, identity) == essay


@settings(max_examples=200, deadline=None)
@given(
    stem=st.text(KANJI, min_size=2, max_size=4),
    founder=st.sampled_from(["", "福岡県立", "北九州市立", "私立"]),
    kind=st.sampled_from(["高等学校", "中学校", "高等専門学校"]),
    data=st.data(),
)
def test_any_form_of_the_school_in_an_essay_comes_out_masked(stem, founder, kind, data):
    school = founder + stem + kind
    form = data.draw(st.sampled_from(school_forms(school)))
    before, after = data.draw(st.tuples(st.text(NAMELESS, max_size=20), st.text(NAMELESS, max_size=20)))
    masked = mask_essay(before + form + after, Identity(school_names=(school,)))
    assert stem not in masked and MASK in masked


@settings(max_examples=200, deadline=None)
@given(
    family=st.text(KANJI, min_size=1, max_size=3),
    given_name=st.text(KANJI, min_size=1, max_size=3),
    space=st.sampled_from(SPACES),
    shape=st.sampled_from(["full", "family", "given"]),
)
def test_the_guardian_s_name_in_an_essay_comes_out_masked(family, given_name, space, shape):
    written = {"full": family + space + given_name, "family": family, "given": given_name}[shape]
    masked = mask_essay(f"母は{written}です。", Identity(guardian_name=f"{family} {given_name}"))
    assert masked == "母は■■です。"

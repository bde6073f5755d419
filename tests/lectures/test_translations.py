"""Messages the lectures share with other features read the same in Japanese.

Every feature's catalog is merged into one at run time, and a later catalog wins for a
message both contain; a shared message translated two ways would change another
feature's pages.
"""

from __future__ import annotations

from babel.messages.pofile import read_po

from booking.core import catalogs


def translations(feature: str) -> dict[str, str]:
    path = catalogs.po_path(feature, "ja")
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="ja")
    found = {}
    for message in catalog:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            found[key] = message.string if isinstance(message.string, str) else message.string[0]
    return found


def test_messages_shared_with_other_features_read_the_same():
    ours = {**translations("settings"), **translations("lectures")}
    clashes = []
    for feature in catalogs.features():
        if feature in ("lectures", "settings"):
            continue
        theirs = translations(feature)
        clashes += [
            (feature, key, theirs[key], value)
            for key, value in ours.items()
            if key in theirs and theirs[key] != value
        ]
    assert clashes == []

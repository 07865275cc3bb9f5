"""Known Vietnamese news feeds, so ``tuireader feeds add vnexpress`` just works.

Each preset is the site's home or latest-news RSS feed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuireader.text import fold

__all__ = ["PRESETS", "Preset", "find_preset"]


@dataclass(frozen=True)
class Preset:
    name: str  # slug used on the command line
    title: str
    url: str  # RSS feed
    site: str  # host of the site
    also_known_as: tuple[str, ...] = ()

    @property
    def aliases(self) -> tuple[str, ...]:
        return (self.name, self.title, self.site, self.site.removeprefix("www."), *self.also_known_as)


PRESETS: list[Preset] = [
    Preset("vnexpress", "VnExpress", "https://vnexpress.net/rss/tin-moi-nhat.rss", "vnexpress.net"),
    Preset("tuoitre", "Tuổi Trẻ", "https://tuoitre.vn/rss/tin-moi-nhat.rss", "tuoitre.vn"),
    Preset("thanhnien", "Thanh Niên", "https://thanhnien.vn/rss/home.rss", "thanhnien.vn"),
    Preset("dantri", "Dân trí", "https://dantri.com.vn/rss/home.rss", "dantri.com.vn"),
    Preset("vietnamnet", "VietNamNet", "https://vietnamnet.vn/rss/tin-moi-nhat.rss", "vietnamnet.vn"),
    Preset(
        "baoquocte",
        "Báo Quốc tế (Thế giới & Việt Nam)",
        "https://baoquocte.vn/rss_feed/",
        "baoquocte.vn",
        ("Báo Quốc tế", "Thế giới & Việt Nam", "TG&VN"),
    ),
    Preset("sggp", "Sài Gòn Giải Phóng", "https://www.sggp.org.vn/rss/home.rss", "www.sggp.org.vn", ("SGGP",)),
    Preset(
        "kinhtedothi", "Kinh tế & Đô thị", "https://kinhtedothi.vn/rss/home.rss", "kinhtedothi.vn", ("Kinh tế Đô thị",)
    ),
    Preset("vietgiaitri", "Vietgiaitri", "https://vietgiaitri.com/rss/home.rss", "vietgiaitri.com"),
    Preset("nhandan", "Nhân Dân", "https://nhandan.vn/rss/home.rss", "nhandan.vn"),
    Preset("laodong", "Lao Động", "https://laodong.vn/rss/home.rss", "laodong.vn"),
    Preset("nld", "Người Lao Động", "https://nld.com.vn/rss/home.rss", "nld.com.vn", ("NLĐ",)),
    Preset("tienphong", "Tiền Phong", "https://tienphong.vn/rss/home.rss", "tienphong.vn"),
    Preset("vietnamplus", "VietnamPlus", "https://www.vietnamplus.vn/rss/home.rss", "www.vietnamplus.vn"),
]


def _key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def find_preset(name: str) -> Preset | None:
    """The preset called ``name``: slug, title or site, ignoring case, diacritics and spacing."""
    if not isinstance(name, str):
        return None
    wanted = _key(name)
    if not wanted:
        return None
    for preset in PRESETS:
        if any(_key(alias) == wanted for alias in preset.aliases):
            return preset
    return None

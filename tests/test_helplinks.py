"""Crisis resources as one-tap links and the help list's HTML (every content text escaped)."""

from course.helplinks import help_list_html, links_html, one_tap_links, site_name
from course.loader import REPO_ROOT, load_course
from course.model import CrisisResource

HOSTILE = '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'


def test_every_call_and_text_of_the_shipped_resources_is_one_tap() -> None:
    course = load_course(REPO_ROOT).course
    assert course is not None
    links = one_tap_links(course.manifest.crisis_resources)
    assert links[:4] == [
        ("Call 911", "tel:911"),
        ("Call 988", "tel:988"),
        ("Text 988", "sms:988"),
        ("Call helpline", "tel:18006624357"),
    ]


def test_a_resource_without_a_short_name_is_named_by_its_number() -> None:
    item = CrisisResource(name="Line", contact="Call 555 0100", detail="d", call="5550100")
    assert one_tap_links((item,)) == [("Call 5550100", "tel:5550100")]
    assert one_tap_links((CrisisResource(name="Site", contact="x.org", detail="d"),)) == []


def test_hostile_content_is_shown_as_text() -> None:
    item = CrisisResource(
        name=HOSTILE,
        contact=HOSTILE,
        detail=HOSTILE,
        url='https://x.org/"><script>alert(4)</script>',
        call="911",
        short='"><b>',
    )
    page = help_list_html((item,))
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://x.org/&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"' in page
    assert 'href="tel:911">Call &quot;&gt;&lt;b&gt;</a>' in page
    without_links = help_list_html((CrisisResource(name="n", contact=HOSTILE, detail="d"),))
    assert "&lt;script&gt;" in without_links and "<script" not in without_links


def test_links_and_site_names() -> None:
    assert links_html([("Call 911", "tel:911")]) == (
        '<a class="help-tap" href="tel:911">Call 911</a>'
    )
    assert site_name("https://www.samhsa.gov/find-help/national-helpline") == "samhsa.gov"
    assert site_name("https://988lifeline.org") == "988lifeline.org"

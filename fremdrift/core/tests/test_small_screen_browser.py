"""At 360 px, as on a phone: the whole main menu is on the screen, its first item not
clipped; a select is as wide as its longest option (up to the width there is); the page
has an icon."""

import pytest
from playwright.sync_api import expect

from fremdrift.accounts.models import Role
from fremdrift.testing import make_organisation, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


def sign_in(page, live_server, role: Role) -> None:
    jobcentre = make_organisation("Jobcenter Smalby")
    user = make_user("smal", jobcentre, role)
    user.set_password("a long browser password")
    user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "smal")
    page.fill("#id_password", "a long browser password")
    page.click("#main-content form button[type=submit]")


def inside_the_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.MANAGER])
def test_the_first_menu_item_is_not_clipped_at_360_px(live_server, page, artifacts, role):
    sign_in(page, live_server, role)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/" if role == Role.MANAGER else f"{live_server.url}/")
    expect(page.locator(".mainmenu .mainmenu-item").first).to_be_visible()
    page.screenshot(path=str(artifacts / f"menu-360-{role}.png"))
    assert inside_the_screen(page, ".mainmenu li:first-child .mainmenu-item")
    assert inside_the_screen(page, ".mainmenu li:first-child .mainmenu-item span")
    # And it lines up with the page's content, not with the screen's edge.
    first = page.locator(".mainmenu li:first-child .mainmenu-item").first.bounding_box()
    heading = page.locator("h1").first.bounding_box()
    assert abs(first["x"] - heading["x"]) <= 1, (first, heading)
    # Every item is reachable without scrolling sideways.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_select_is_as_wide_as_its_longest_option(live_server, page):
    sign_in(page, live_server, Role.MANAGER)
    page.goto(f"{live_server.url}/reports/comparison/")
    widths = page.evaluate(
        """() => [...document.querySelectorAll('select.form-select')].map(s => {
            const probe = document.createElement('span');
            probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
            probe.style.font = getComputedStyle(s).font;
            document.body.appendChild(probe);
            const longest = Math.max(...[...s.options].map(o => {
                probe.textContent = o.textContent; return probe.offsetWidth; }));
            probe.remove();
            return [s.name, longest, s.clientWidth];
        })"""
    )
    assert widths
    for name, longest, width in widths:
        assert width >= longest, (name, longest, width)


def test_the_page_has_an_icon(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href and href.endswith(".svg")
    assert page.request.get(f"{live_server.url}{href}").ok
    assert page.request.get(f"{live_server.url}/favicon.ico").ok

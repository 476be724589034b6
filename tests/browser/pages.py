"""What every page a journey visits must pass, and how a person moves through it by keyboard.

``check_page`` is called after each navigation: axe-core (WCAG 2.2 A and AA) finds no serious
or critical violation, and at 360 and 1280 px nothing a person reads or uses in a table or a
form lies beyond the right edge of the viewport, nor does the page scroll sideways. The
page is left at 1280 px. A page that this test process has already passed exactly as it is
now (its address, markup, form values, focus and the element under the mouse) passes again
without being measured: a fifth of the pages the journeys visit are such repeats (the
sign-in page, a case page seen again after a move that was refused).
"""

import base64
import hashlib
import re
from pathlib import Path

from django_otp.oath import totp
from playwright.sync_api import Page, expect

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
NARROW, WIDE = 360, 1280
HEIGHT = 800

# Elements a person must be able to read or use without scrolling sideways.
MEASURED = "td, th, input, select, textarea, button, a.button"

_OVERFLOW = """
([selector, width]) => {
  // Inside a container clipped to nothing (.visually-hidden, a stacked table's header row):
  // read by screen readers, never laid out for the eye.
  const clippedAway = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const box = a.getBoundingClientRect();
      if (box.width <= 1 && box.height <= 1 && getComputedStyle(a).overflow === "hidden") {
        return true;
      }
    }
    return false;
  };
  const beyond = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    // Not rendered (display: none, or a collapsed part of a closed <details>).
    if (box.width === 0 && box.height === 0) continue;
    // Deliberately out of sight for everyone (the spam trap) is not a layout fault.
    if (box.right <= 0) continue;
    if (clippedAway(el)) continue;
    if (box.right > width + 0.5) {
      const text = (el.innerText || el.value || el.name || el.id || "").trim().slice(0, 60);
      beyond.push(`<${el.tagName.toLowerCase()}> "${text}" ends at ${Math.round(box.right)} px`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) {
    beyond.push(`the page scrolls sideways: ${doc.scrollWidth} px wide`);
  }
  return beyond;
}
"""


def load_axe(page: Page) -> None:
    """axe-core in the page as it is now: there from the document's start in the browser
    tests' contexts (``new_page``), given here to any other page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol, not a <script> tag: the CSP allows no inline script.
        page.evaluate(AXE)


def run_axe(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now, one line each."""
    load_axe(page)
    # Violations only: axe then spends no time listing every node that passes, and its
    # "no-passes" reporter none building their results (a third of a check's time).
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations'], reporter: 'no-passes'})",
        AXE_TAGS,
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]


def beyond_right_edge(page: Page, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": HEIGHT})
    return page.evaluate(_OVERFLOW, [MEASURED, width])


# What the checks read of a page, but the CSRF token (new at every request): its address (a
# fragment can change the styles), its markup, the state of its form controls (a value typed
# or a box ticked is not in the markup), which element has focus and which the mouse is over
# (their styles differ).
_STATE = """() => {
  const controls = [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.name !== "csrfmiddlewaretoken")
    .map((el) => {
      if (el.type === "checkbox" || el.type === "radio") {
        return `${el.checked} ${el.indeterminate}`;
      }
      return el.tagName === "SELECT" ? [...el.selectedOptions].map((o) => o.value) : el.value;
    });
  const path = (el) => {
    const steps = [];
    for (; el && el.parentElement; el = el.parentElement) {
      steps.unshift([...el.parentElement.children].indexOf(el));
    }
    return steps.join(".");
  };
  const hovered = [...document.querySelectorAll(":hover")].pop();
  return [location.href, document.documentElement.outerHTML, JSON.stringify(controls),
          path(document.activeElement), path(hovered)];
}"""
_CSRF = re.compile(r'((?:name="csrfmiddlewaretoken" value|data-csrf-token)=")[^"]*"')
# The pages this process has found without a problem, by a digest of their state; and how
# many pages it has measured.
_PASSED: set[str] = set()
PAGES_MEASURED = [0]


def _state_of(page: Page) -> str:
    address, markup, controls, active, hovered = page.evaluate(_STATE)
    state = "\0".join([address, _CSRF.sub(r'\1"', markup), controls, active, hovered])
    return hashlib.sha256(state.encode()).hexdigest()


def check_page(page: Page) -> None:
    """Every check a visited page must pass; the failure names the page and each problem.

    axe runs once, on the narrow layout: the markup is the same at both widths, and the
    narrow one is where stacked tables and wrapped headers could lose contrast or order.
    """
    # A navigation under way (a link just followed) has no document to measure until it loads.
    page.wait_for_load_state()
    state = _state_of(page)
    if state in _PASSED:
        page.set_viewport_size({"width": WIDE, "height": HEIGHT})
        return
    PAGES_MEASURED[0] += 1
    problems = [f"at {NARROW} px: {p}" for p in beyond_right_edge(page, NARROW)]
    problems += [f"axe {p}" for p in run_axe(page)]
    problems += [f"at {WIDE} px: {p}" for p in beyond_right_edge(page, WIDE)]
    assert not problems, f"{page.url} ({page.title()}):\n  " + "\n  ".join(problems)
    _PASSED.add(state)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check_page(page)


# Keyboard


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
                  text: (el.innerText || '').trim(), outline: style.outlineStyle,
                  classes: el.className};
        }"""
    )


# Where focus is when a page has just opened (nowhere yet), and what is sought is in the main
# content: the skip link's target, which a person who uses the keyboard takes past the
# header's links.
_SKIP_TO = """([s, text]) => {
  const active = document.activeElement;
  if (active && active !== document.body) return false;
  const link = document.querySelector("a.skip-link[href^='#']");
  const main = link && document.getElementById(link.getAttribute("href").slice(1));
  const sought = [...document.querySelectorAll(s)].find(
    (el) => text === null || el.innerText.trim() === text
  );
  return Boolean(main && sought && main.contains(sought));
}"""
_REACHED = """([s, text]) => {
  const el = document.activeElement;
  return el.matches(s) && (text === null || el.innerText.trim() === text);
}"""


def tab_to(page: Page, selector: str, *, text: str | None = None, most: int = 80) -> None:
    """Press Tab until focus reaches ``selector`` (with ``text``, when given); fail if it
    never does. The element reached must show that it has focus.

    On a page just opened, when the element is in the main content, the first Tab must
    reach the skip link, and Enter on it moves past the header's links, as a person who uses
    the keyboard does on every page (and the skip link is walked on every such page)."""
    if page.evaluate(_SKIP_TO, [selector, text]):
        page.keyboard.press("Tab")
        assert focused(page)["classes"] == "skip-link", (
            f"Tab does not reach the skip link first on {page.url}"
        )
        page.keyboard.press("Enter")
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(_REACHED, [selector, text]):
            assert focused(page)["outline"] != "none", f"{selector} takes focus unseen"
            return
    raise AssertionError(f"{selector} {text or ''} cannot be reached with Tab on {page.url}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into a group of radio buttons, then move with the arrow keys to ``value``."""
    tab_to(page, f"input[type=radio][name={name}]")
    for _ in range(20):
        if page.evaluate("(v) => document.activeElement.value === v", value):
            page.keyboard.press("Space")
            expect(page.locator(f"input[name={name}][value='{value}']")).to_be_checked()
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no choice {value!r} in the group {name!r}")


def choose_option(page: Page, selector: str, label: str) -> None:
    """Pick an option of a <select> with the keyboard, as a person does: focus it, then
    press the down arrow until the option shows."""
    tab_to(page, selector)
    for _ in range(50):
        chosen = page.evaluate(
            "() => document.activeElement.selectedOptions[0]?.textContent.trim()"
        )
        if chosen == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in {selector}")


def press_button(page: Page, name: str) -> None:
    """Tab to the button named ``name``, press Enter and wait for the page it leads to."""
    tab_to(page, "button, a.button", text=name)
    with page.expect_navigation():
        page.keyboard.press("Enter")


# Signing in, as a person does


def sign_in_by_keyboard(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    check_page(page)
    type_into(page, "#id_username", username)
    type_into(page, "#id_password", password)
    press_button(page, "Sign in")


def signed_in_as(page: Page, base_url: str, username: str, path: str = "/") -> None:
    """Open ``path`` signed in as ``username`` already (staff past two-factor sign-in): the
    session is made by the test and put in the page's cookies. Signing in by keyboard is
    walked by the journeys about it (an officer's, a newcomer's and the Director's, staff
    with their code, a learner's first time); the others start where it leads."""
    from portal.accounts.models import User
    from tests.signing_in import session_cookies

    cookies = session_cookies(User.objects.get(username=username))
    page.context.add_cookies(
        [{"name": name, "value": value, "url": base_url} for name, value in cookies.items()]
    )
    page.goto(f"{base_url}{path}")
    check_page(page)


def code_from_key(base32_key: str) -> str:
    """What an authenticator app shows for the key: the current TOTP code."""
    key = base64.b32decode(re.sub(r"\s", "", base32_key))
    return f"{totp(key):06d}"

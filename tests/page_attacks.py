"""Markup a student hands in hoping it runs in the browser of whoever looks at it.

Each carrier is one way in: a written answer's markdown, an output of an answer cell (every
mime type a kernel can send), the error text of a test cell, an answer string the check's
message quotes. Its payload, if it ever ran, would set ``window.top.pwned`` and ask the
Jupyter server (with the TA's cookies) to create ``pwned-<carrier>.txt`` in the course
folder; the browser tests look for both. Every carrier names itself in its text, so a test can
tell a carrier that reached the page (and was made inert) from one that never arrived.
"""
from __future__ import annotations

from dataclasses import dataclass

Q14 = "q14_squared_td_error.ipynb"
Q10 = "q10_chain_rule_power.ipynb"


def payload(name: str) -> str:
    """JavaScript (single quotes only, so it fits in a double-quoted attribute)."""
    return ("window.top.pwned=(window.top.pwned||'')+'" + name + " ';"
            "fetch('/api/contents/pwned-" + name + ".txt',{method:'PUT',headers:"
            "{'X-XSRFToken':(document.cookie.match(/_xsrf=([^;]*)/)||[])[1]},"
            "body:JSON.stringify({type:'file',format:'text',content:'" + name + "'})})")


@dataclass(frozen=True)
class Carrier:
    name: str
    #: where it is handed in: "markdown" (q14's written answer), "output" (an answer cell's
    #: display), "error" (a test cell's error text), "answer" (q10's answer string)
    kind: str
    text: str
    #: False: the trusted side drops it, leaving a note instead
    stored: bool = True


def _markdown(name: str, template: str) -> Carrier:
    return Carrier(name, "markdown", template.replace("P", payload(name)) + f" {name}")


MARKDOWN = [
    _markdown("md-img-onerror", '<img src=x onerror="P">'),
    _markdown("md-svg-onload", '<svg onload="P"><circle r="5"></circle></svg>'),
    _markdown("md-script", "<script>P</script>"),
    _markdown("md-javascript-link", "[take the points](javascript:P)"),
    _markdown("md-mixed-case-link", '<a href="JaVaScRiPt:P">take the points</a>'),
    _markdown("md-iframe-srcdoc", '<iframe srcdoc="<script>P</script>"></iframe>'),
    _markdown("md-details-ontoggle", '<details open ontoggle="P">more</details>'),
    _markdown("md-object-data", '<object data="javascript:P"></object>'),
    _markdown("md-form-action", '<form action="javascript:P"><button>go</button></form>'),
    _markdown("md-meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:P">'),
    _markdown("md-mxss-mglyph", '<math><mtext><table><mglyph><style><img src=x onerror="P">'),
    _markdown("md-math-text", '$\\text{<img src=x onerror="P">}$'),
    _markdown("md-math-href", "$\\href{javascript:P}{\\text{full credit}}$"),
    _markdown("md-css-overlay", '<div style="position:fixed;top:0;left:0;width:100%;'
              'height:100%;background:white;z-index:99999">FULL CREDIT css-overlay</div>'),
    _markdown("md-style-tag", "<style>#notebook, .score, body { display: none !important }"
              "</style>"),
]

_DISPLAY = ("from IPython.display import (display, display_html, display_javascript,\n"
            "    display_latex, display_markdown, display_svg)\n")

def _output(name: str, call: str, value: object, stored: bool = True) -> Carrier:
    """An answer cell's line ``call(value)``, the value written as a Python literal."""
    return Carrier(name, "output", f"{call}({value!r}" + (")" if call == "print"
                                                          else ", raw=True)"), stored)


_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="{p}"><script>{p}</script>'
        '<circle cx="5" cy="5" r="4"/><text x="1" y="9">out-svg</text></svg>')

OUTPUTS = [
    _output("out-html", "display_html", f'<img src=x onerror="{payload("out-html")}"> out-html'),
    _output("out-javascript", "display_javascript", payload("out-javascript"), stored=False),
    _output("out-svg", "display_svg", _SVG.format(p=payload("out-svg"))),
    _output("out-latex", "display_latex",
            f'$\\text{{<img src=x onerror="{payload("out-latex")}">}}$ out-latex'),
    _output("out-markdown", "display_markdown",
            f'<img src=x onerror="{payload("out-markdown")}"> out-markdown'),
    _output("out-widget", "display",
            {"application/vnd.jupyter.widget-view+json": {"model_id": "out-widget",
                                                          "version_major": 2,
                                                          "version_minor": 0},
             "application/javascript": payload("out-widget")}, stored=False),
    _output("out-stream", "print", f"<script>{payload('out-stream')}</script> out-stream"),
    _output("out-raw-html", "display",
            {"text/html": f"<script>{payload('out-raw-html')}</script><b onmouseover="
                          f"\"{payload('out-raw-html')}\">out-raw-html</b>",
             "text/x-evil": "x"}),
]

_ERROR_TEXT = f'$\\text{{<img src=x onerror="{payload("error-text")}">}}$ error-text'
ERROR = Carrier(
    "error-text", "error",
    "import calcrl_checks.form as _form\n"
    "import calcrl_checks.formative as _formative\n"
    "def _refuse(*args, **kwargs):\n"
    f"    raise ValueError({_ERROR_TEXT!r})\n"
    "_form.function = _formative.stated = _formative.derivative_function = _refuse\n")

_ANSWER_TEXT = f'<img src=x onerror="{payload("answer-string")}"> answer-string'
ANSWER = Carrier("answer-string", "answer", f"df = {_ANSWER_TEXT!r}\n")

CARRIERS = [*MARKDOWN, *OUTPUTS, ERROR, ANSWER]

#: Honest content that must still show: a formula in the written answer, the q14 chart.
HONEST_SENTENCE = "Squaring keeps the gradient smooth: it is $-\\delta$ with the target held."


def written_answer() -> str:
    """q14's written answer: an honest sentence, then every markdown carrier."""
    return HONEST_SENTENCE + "\n\n" + "\n\n".join(c.text for c in MARKDOWN) + "\n"


def q14_answers() -> dict[str, str]:
    """q14's answer cells: the output carriers and the error carrier, then wrong functions
    (so the chart still draws)."""
    outputs = _DISPLAY + "\n".join(c.text for c in OUTPUTS) + "\n"
    return {
        "q14-squared-grad": outputs + ERROR.text +
        "def squared_loss_grad(delta):\n    return np.asarray(delta, dtype=float)\n",
        "q14-huber-loss": "def huber_loss(delta, kappa):\n"
                          "    return 0.5 * np.asarray(delta, dtype=float) ** 2\n",
        "q14-huber-grad": "def huber_grad(delta, kappa):\n"
                          "    return -np.asarray(delta, dtype=float)\n",
        "q14-explain": written_answer(),
    }


def q10_answers() -> dict[str, str]:
    return {"q10-df": ANSWER.text, "q10-df-at-0": "df_at_0 = 5\n"}


#: Folder names that must never become student ids (the formgrader prints ids unescaped).
HOSTILE_IDS = ['x"><img src=x onerror=window.top.pwned=1>', "term\x1b]0;pwned\x07\x1b[2Jinal"]
#: A file handed in whose name is markup.
HOSTILE_FILE = "<img src=x onerror=window.top.pwned=1>.txt"

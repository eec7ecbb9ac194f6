"""Locust users for `make bench-http` (bench/http_load.py starts them; read it first).

BENCH_PAGE=<page> makes every user hit that one page as fast as it answers (saturation); BENCH_PAGE=mixed makes
each user run the weighted mix at one task per second (the fixed-rate run): nine anonymous visitors for one
signed-in volunteer, who keeps her own cookies (sharing them would change the visitors' CSRF cookie). The data
(mission ids, tracking tokens, the signed-in volunteer's session cookie) come from the JSON file named by
BENCH_DATA.
"""

import json
import os
import random
import re

from locust import FastHttpUser, constant, constant_throughput, task

DATA = json.loads(open(os.environ["BENCH_DATA"]).read())
PAGE = os.environ.get("BENCH_PAGE", "mixed")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOMAINS = ["food_emergency", "childcare", "isolated_contact", "local_solidarity"]
KEYWORDS = ["colis", "courses", "appel", "devoirs", "repas"]


def check(response, expected: int = 200) -> None:
    if response.status_code != expected:
        response.failure(f"status {response.status_code}")


class Visitor(FastHttpUser):
    wait_time = constant(0) if PAGE != "mixed" else constant_throughput(1)
    weight = 9

    def get(self, path: str, name: str, expected: int = 200, **kwargs) -> str:
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            check(response, expected)
            return response.text or ""

    def baseline(self):
        self.get("/bench/nu/", "baseline (bare view)")

    def home(self):
        self.get("/", "home")

    def mission_list(self):
        commune = random.choice(DATA["communes"])
        query = f"domain={random.choice(DOMAINS)}&commune={commune}"
        if random.random() < 0.3:
            query += f"&q={random.choice(KEYWORDS)}"
        self.get(f"/missions/?{query}", "mission list (filters)")

    def mission_detail(self):
        self.get(f"/missions/{random.choice(DATA['missions'])}/", "mission detail")

    def form_get(self):
        return self.get("/demandes/nouvelle/", "request form GET")

    token = None

    def form_post(self):
        # The token is fetched once per user, as a person's browser would keep its CSRF cookie: the saturation
        # figure is the POST's alone.
        if self.token is None:
            found = CSRF.search(self.form_get())
            if not found:
                return
            self.token = found.group(1)
        number = random.randrange(0, 1_000_000)
        data = {
            "csrfmiddlewaretoken": self.token,
            "requester_relation": "self",
            "requester_name": "Charge Test",
            "requester_phone": f"0612{number:06d}",
            "requester_email": f"bench{number}@bench.fr",
            "commune": random.choice(DATA["communes"]),
            "help_type": str(random.choice(DATA["help_types"])),
            "description": "Courses de la semaine (benchmark).",
            "urgency": "2",
            "preferred_channel": "email",
            "consent": "on",
        }
        with self.client.post(
            "/demandes/nouvelle/", data=data, name="request form POST", catch_response=True, allow_redirects=False,
            headers={"Referer": f"{self.host}/demandes/nouvelle/"},
        ) as response:  # fmt: skip
            check(response, 302)

    def tracking(self):
        self.get(f"/demandes/suivi/{random.choice(DATA['tokens'])}/", "tracking page")

    # The visitors' share of the fixed-rate mix (the volunteer dashboard makes the other 10 %).
    MIX = {
        "home": 15, "mission_list": 20, "mission_detail": 20, "form_get": 8, "form_post": 5, "tracking": 15,
        "baseline": 7,
    }  # fmt: skip

    @task
    def visit(self):
        name = random.choices(list(self.MIX), weights=list(self.MIX.values()))[0] if PAGE == "mixed" else PAGE
        getattr(self, name)()


class SignedInVolunteer(FastHttpUser):
    wait_time = constant(0) if PAGE != "mixed" else constant_throughput(1)
    weight = 1

    @task
    def dashboard(self):
        cookie = f"{DATA['session_cookie_name']}={DATA['session']}"
        with self.client.get("/benevoles/", name="volunteer dashboard", catch_response=True,
                             headers={"Cookie": cookie}) as response:  # fmt: skip
            check(response)

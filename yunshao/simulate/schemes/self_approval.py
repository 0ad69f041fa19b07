"""Self approval (自批自审): the same official submits a node and approves it.

The approver also files the submission: the submit event of one (subtle) or several (blatant) nodes
carries the approver's person and post.
"""

from __future__ import annotations

import numpy as np

from yunshao.simulate import encode as enc
from yunshao.simulate.plan import Plan
from yunshao.simulate.schemes import record
from yunshao.simulate.state import State
from yunshao.simulate.trails import APPROVE, NODE_CODES, SUBMIT, Events


def apply(rng: np.random.Generator, plan: Plan, events: Events, state: State) -> None:
    for i in np.flatnonzero(plan.has("self_approval")):
        ev = np.flatnonzero(events.proj == i)
        appr = ev[events.action[ev] == APPROVE]
        # steps with a submit right before their approve
        cands = [
            int(a)
            for a in appr
            if a - 1 in set(ev) and events.action[a - 1] == SUBMIT and events.step[a - 1] == events.step[a]
        ]
        resp = int(plan.resp_post[i])
        if resp >= 0 and any(events.post[c] == resp for c in cands):  # a corrupt post approves its own filing
            cands = [c for c in cands if events.post[c] == resp]
        if not cands:
            continue
        k = 1 if rng.random() < 0.5 else min(len(cands), int(rng.integers(2, 4)))
        chosen = sorted(int(c) for c in rng.choice(cands, size=k, replace=False))
        posts = []
        for a in chosen:
            events.person[a - 1] = events.person[a]
            events.post[a - 1] = events.post[a]
            events.unit[a - 1] = events.unit[a]
            posts.append(int(events.post[a]))
        strength = "blatant" if k >= 2 else "subtle"
        base = state.next_id.get("event", 0)  # ids the block's events will get (approvals are numbered next)
        detail = {
            "approve_events": [enc.id_text("event", base + int(a)) for a in chosen],
            "nodes": [NODE_CODES[int(events.node[a])] for a in chosen],
            "person": enc.id_text("person", int(events.person[chosen[0]])),
        }
        record(state, plan, int(i), "self_approval", strength, detail)
        post = posts[0]
        record(state, plan, int(i), "self_approval", strength, detail, ("post", enc.id_text("post", post)))

"""Deploy sends its steps in as few transactions as fit: hats through batchCreateHats and
batchMintHats, the deployer's Safe steps in MultiSendCallOnly batches sized by gas
estimates. A run cut off after any batch was mined finishes on a re-run, twice nothing."""

from __future__ import annotations

import pytest

from deploy_support import deployer, fresh_record, spec  # noqa: F401 (fixtures)
from opgov.batches import batch_size, gas_budget
from opgov.deploy import OrgDeployer

# the example org deployed a step a transaction (eight Safe calls a transaction at most) took
# 46 transactions on the embedded chain; batched, it takes 23
EXAMPLE_TRANSACTIONS = 23


def _check_org(spec, state, accounts, deployer):
    """The chain matches the example spec, and everything exists once."""
    from ape import chain

    from opgov.contracts import container
    from opgov.safe import Safe

    people = {name: accounts[int(who.split("::")[1])] for name, who in spec.people.items()}
    safe = Safe.at(state.safe)
    assert sorted(safe.owners()) == sorted(people[n].address for n in spec.safe.signers)
    assert safe.guard() == state.gate and deployer.address not in safe.owners()
    hats = container("Hats").at(state.hats)
    assert hats.isWearerOfHat(state.safe, state.top_hat) and hats.isQuietModule(state.safe)
    names = [log.details for log in hats.HatCreated.range(0, chain.blocks.height + 1)]
    assert len(names) == len(set(names)) == 1 + len(spec.roles) + 2 * len(spec.cells), names
    streams = container("BudgetStreams").at(state.streams)
    created = list(streams.StreamCreated.range(0, chain.blocks.height + 1))
    assert len(created) == 3 and sorted(state.streams_of.values()) == sorted(int(c.stream_id) for c in created)
    consent = container("ConsentModule").at(state.consent)
    for cell in spec.cells:
        assert consent.cell(state.cells[cell.id]).configured
        assert hats.isWearerOfHat(people[cell.lead].address, state.leads[cell.id])
        for member in cell.members:
            assert hats.isWearerOfHat(people[member].address, state.cells[cell.id])


def _transactions_since(height: int) -> int:
    from ape import chain

    return sum(len(chain.blocks[n].transactions) for n in range(height + 1, chain.blocks.height + 1))


# ---------------------------------------------------------------- sizing (no chain)


def linear(per_step: int, base: int = 50_000, asked: list | None = None):
    def estimate(n: int) -> int:
        if asked is not None:
            asked.append(n)
        return base + per_step * n

    return estimate


def test_a_batch_fills_the_budget_and_no_more():
    asked: list[int] = []
    n = batch_size(1_000, linear(100_000, asked=asked), budget=15_000_000, cap=1_000)
    assert 100_000 * n + 50_000 <= 15_000_000
    assert n >= 0.8 * 15_000_000 / 100_000  # close to full: the aim is 90 % of the budget
    assert len(asked) <= 3


def test_a_batch_is_no_longer_than_the_steps_left_or_the_cap():
    assert batch_size(7, linear(1_000), budget=15_000_000, cap=255) == 7
    assert batch_size(1_000, linear(1_000), budget=15_000_000, cap=255) == 255


def test_a_first_guess_too_large_shrinks():
    asked: list[int] = []
    n = batch_size(500, linear(1_000_000, asked=asked), budget=15_000_000, cap=500, guess=200)
    assert asked[0] == 200 and 1_000_000 * n + 50_000 <= 15_000_000 and n >= 10


def test_a_step_too_large_for_any_batch_goes_alone():
    assert batch_size(5, linear(40_000_000), budget=15_000_000, cap=5) == 1


def test_the_budget_is_half_a_block():
    assert gas_budget(30_000_000) == 15_000_000


# ---------------------------------------------------------------- on the embedded chain


def test_the_example_org_takes_few_transactions(provider, spec, deployer):
    from ape import chain

    fresh_record(provider)
    height = chain.blocks.height
    said: list[str] = []
    OrgDeployer(spec, deployer, say=said.append).deploy()
    sent = _transactions_since(height)
    assert sent <= EXAMPLE_TRANSACTIONS, sent
    # every hat in one batchCreateHats, every wearer in one batchMintHats, the Safe's set-up in one
    assert any("create 7 hats in one transaction" in s for s in said), said
    assert any("in one transaction (batchMintHats)" in s for s in said), said
    assert any("in one Safe transaction (MultiSendCallOnly)" in s for s in said), said


class Cut(Exception):
    """The run is cut off here, after a transaction was mined."""


@pytest.mark.parametrize("where", ["hats created", "hats given out", "second Safe batch"])
def test_a_run_cut_off_after_a_batch_finishes_on_a_rerun(provider, spec, deployer, accounts, monkeypatch,
                                                         where):
    fresh_record(provider)
    # a small budget: the Safe's set-up takes several transactions
    monkeypatch.setattr(OrgDeployer, "_gas_budget", lambda self: 1_500_000)
    sent = {"safe": 0}
    real_made, real_record = OrgDeployer._hats_made, OrgDeployer._record_streams

    def made(self, wanted, got):
        real_made(self, wanted, got)
        if where == "hats created":
            raise Cut

    def recorded(self, receipt):
        real_record(self, receipt)
        sent["safe"] += 1
        if where == "second Safe batch" and sent["safe"] == 2:
            raise Cut

    def say(text):
        if where == "hats given out" and "batchMintHats" in text:
            said_mint.append(text)
        elif said_mint:  # the first thing said after the mint batch was sent
            raise Cut

    said_mint: list[str] = []
    monkeypatch.setattr(OrgDeployer, "_hats_made", made)
    monkeypatch.setattr(OrgDeployer, "_record_streams", recorded)
    with pytest.raises(Cut):
        OrgDeployer(spec, deployer, say=say).deploy()
    monkeypatch.setattr(OrgDeployer, "_hats_made", real_made)
    monkeypatch.setattr(OrgDeployer, "_record_streams", real_record)
    planned = [s.text for s in OrgDeployer(spec, deployer).plan() if not s.done]
    rerun = OrgDeployer(spec, deployer)
    state = rerun.deploy()
    assert planned == [s.text for s in rerun.steps if not s.done]  # the plan lists every step the rerun takes
    _check_org(spec, state, accounts, deployer)
    assert [s for s in OrgDeployer(spec, deployer).plan() if not s.done] == []


def test_a_deploy_run_again_on_a_finished_org_reads_as_a_plan_and_sends_nothing(provider, spec, deployer,
                                                                                  monkeypatch):
    from ape import chain

    fresh_record(provider)
    first = OrgDeployer(spec, deployer).deploy()
    height = chain.blocks.height
    stepwise = []
    real_run = OrgDeployer._run
    monkeypatch.setattr(OrgDeployer, "_run", lambda self: (stepwise.append(self.dry), real_run(self)))
    said: list[str] = []
    again = OrgDeployer(spec, deployer, say=said.append)
    state = again.deploy()
    assert stepwise == [True]  # only the plan's batched reads ran; no step-by-step run
    assert state == first and chain.blocks.height == height and said == []
    assert again.steps and all(s.done for s in again.steps)


def _with_a_cell_more(spec):
    new = spec.cells[0].model_copy(update={"id": "new-cell", "name": "New cell", "parent": None})
    return spec.model_copy(update={"cells": [*spec.cells, new]})


def test_a_run_with_steps_left_reads_the_org_as_a_plan_does(provider, spec, deployer, monkeypatch):
    """A deploy of the spec with a cell more (left to the Safe's signers: the tree was handed
    over) reads the tree, the cells' domains and their streams in a few batched reads, as a plan
    does, not a view at a time; and takes the steps the plan lists."""
    from ape.contracts.base import ContractCallHandler

    from opgov.reads import Reader

    fresh_record(provider)
    OrgDeployer(spec, deployer).deploy()
    more = _with_a_cell_more(spec)
    planned = [s.text for s in OrgDeployer(more, deployer).plan() if not s.done]
    single, batched = [], []
    real_call, real_views = ContractCallHandler.__call__, Reader.views
    monkeypatch.setattr(ContractCallHandler, "__call__",
                        lambda self, *a, **k: (single.append(self.abis[0].name), real_call(self, *a, **k))[1])
    monkeypatch.setattr(Reader, "views", lambda self, calls: (batched.append(len(calls)), real_views(self, calls))[1])
    run = OrgDeployer(more, deployer)
    run.deploy()
    assert [s.text for s in run.steps if not s.done] == planned
    assert any("create hat 'New cell'" in text and "(a Safe transaction for the signers)" in text for text in planned)
    # 10 views one at a time (finding the top hat, the Safe, the hand-over's few questions), the
    # rest in batches; read one at a time, this run asked 134
    assert len(single) <= 15, single
    assert not {"cell", "is_objector_hat", "spend_limit", "allowed", "get_stream"} & set(single), single
    assert sum(batched) > len(single)


def test_a_hat_too_long_for_a_batch_is_planned_and_created_on_its_own(provider, spec, deployer, accounts):
    """batchCreateHats takes details of up to 32 bytes: a longer cell name is created with
    createHat, in its place among the others, and the plan does not count it as batched."""
    from ape import chain

    from opgov.contracts import container
    from opgov.deploy import BATCH_TEXT, CREATE_BATCH

    fresh_record(provider)
    long_name = "Community Workshops and Repair Evenings"  # 39 bytes
    assert len(long_name.encode()) > BATCH_TEXT
    cells = [c.model_copy(update={"name": long_name}) if c.id == "workshops" else c for c in spec.cells]
    longer = spec.model_copy(update={"cells": cells})
    planned = {s.text: s.sent_with for s in OrgDeployer(longer, deployer).plan() if not s.done}
    assert planned[f"create hat {long_name!r} under 1"] == ""
    assert planned[f"create hat {long_name + ' lead'!r} under 1.4"] == ""
    assert planned["create hat 'Repair Café' under 1"] == CREATE_BATCH
    said: list[str] = []
    state = OrgDeployer(longer, deployer, say=said.append).deploy()
    hats = container("Hats").at(state.hats)
    assert hats.viewHat(state.cells["workshops"])[0] == long_name
    assert hats.viewHat(state.leads["workshops"])[0] == long_name + " lead"
    names = [log.details for log in hats.HatCreated.range(0, chain.blocks.height + 1)]
    assert len(names) == len(set(names)) == 1 + len(spec.roles) + 2 * len(spec.cells)
    # the batches on either side of the long ones: 'Treasury signer' to 'Thing Library lead', then none
    assert any("create 5 hats in one transaction (batchCreateHats)" in s for s in said), said
    _check_org(longer, state, accounts, deployer)

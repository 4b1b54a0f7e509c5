//! The exact sourcing optimiser, on a pure problem that knows nothing of locations or SKUs.
//!
//! # The problem
//! Lines `j` with a demand `q_j`; candidates `i` with a fixed cost `f_i` (paid once when the
//! candidate ships anything), a unit cost `c_i`, a capacity `U_i` (units in all) and a stock
//! `s_ij` per line; at most `K` candidates may ship. Find the plan of minimum
//! `Σ f_i + Σ c_i · units_i` that ships every unit. This is a capacitated facility-location problem
//! (NP-hard), solved exactly by branch and bound:
//!
//! * **Assignment of a fixed set** (`flow`): unit costs depend on the candidate only, so the
//!   feasible load vectors of a set form a polymatroid and the cheapest assignment is greedy —
//!   candidates by increasing unit cost, each taking as many units as an incremental max-flow
//!   (augmenting paths that reroute lines among earlier candidates) can give it.
//! * **Lower bounds** (`bound`): Lagrangian relaxation of the demand constraints. For multipliers
//!   `λ ≥ 0` each candidate decouples into a continuous knapsack; the best `K` are opened. At the
//!   optimal `λ` this is the strong LP relaxation (`x_ij ≤ s_ij y_i`, `Σ_j x_ij ≤ U_i y_i`,
//!   `Σ y_i ≤ K`), strengthened by two families of valid inequalities relaxed the same way:
//!   *cover cuts* (a line that no single candidate can fill needs at least as many open holders as
//!   the fewest whose stock reaches its demand, recomputed at every node) and a *shipment count*
//!   (`Σ y_i ≥` the rounded-up bound of the same problem where every shipment costs 1). Subgradient
//!   ascent with Polyak steps towards the incumbent tightens the bound, warm-started from the parent
//!   node; with many candidates it iterates on a core of the most promising ones and prices every
//!   candidate once at the end. Any multipliers give a valid bound, so stopping early is safe.
//! * **Search** (`search`): depth-first branch and bound on "candidate ships / does not ship",
//!   branching on the candidate the relaxation opens whose exclusion raises the bound most, IN
//!   first; children inherit bounds computed from the parent's relaxation and are dropped at once
//!   when those exceed the incumbent. Reduced costs fix candidates whose forcing in or out would
//!   cost more than the incumbent. Incumbents: every single candidate, a ratio greedy polished by
//!   dropping shipments (`heuristic`), and each relaxation's open set (greedily completed now
//!   and then). One node is one unit of the deterministic budget; when it runs out, the smallest
//!   bound among the nodes left open is the proven lower bound. Under a small budget (below
//!   2,000 nodes) the root ascent runs its full course and each dive resumes from the open node
//!   of smallest bound (best-first between dives), so that this certified bound is as high as
//!   the nodes allow; under a larger one the root gives up polishing a bound that clearly will
//!   not reach the incumbent, and the search is plain depth-first.
//! * **Dominance** (`dominance`): `A` dominates `B` when it holds at least `B`'s stock on each
//!   line, at least its capacity, and costs no more for any load `B` could ship; a plan shipping
//!   from `B` but not from `A` then loses to the plan moving `B`'s units to `A` (cheaper, or as
//!   cheap with an earlier key — pairs are kept only when the tie rule says so). Each node
//!   propagates "B ships only if all its dominators ship": forcing `B` in forces them in, and an
//!   excluded dominator excludes `B`. A fifth to a third of the candidates of the benchmark's
//!   networks are dominated (stores holding one or two of the cart's SKUs).
//! * **Partial plans** (`partial`): when no complete plan exists, the largest number of units `R*`
//!   that at most `K` candidates can ship is found first; then the same search finds the cheapest
//!   plan shipping `R*` units, with a cost-free virtual candidate absorbing the `Q − R*` unshipped.
//!
//! Ties between plans whose costs differ by no more than a tolerance (`1e-12` of the instance's
//! cost scale, the dearest plan it could make: far above the rounding of a sum of a few thousand
//! terms, and far below a unit of cost even beside a candidate at the contract's ceiling of 1e9
//! per unit; `1e-9` made plans a unit apart equal there) break by fewer shipments, then by the
//! lexicographically smaller sorted list of candidate keys — the caller gives keys in location-id
//! order, so this is the contract's tie rule.
//!
//! # Known limits
//! The relaxation is the LP of the strong formulation, a little strengthened by the cuts; on the
//! hard instances (one warehouse, many shallow stores, 20+ lines) its gap to the optimum is
//! itself 4-9% (checked against HiGHS's LP: on the slowest store-heavy 20x200 carts the root
//! bound is at or within 0.1% of the LP, and the optimum is 4.7-6.4% above it). The search
//! then needs hundreds of nodes (thousands at 40x1000), each costing a few microseconds per
//! hundred candidates, and the p99 latency misses the 20x200 and 40x1000 targets by 5-20x; a
//! faster node cannot close that, only a stronger relaxation (cuts that the LP lacks, or a
//! different decomposition). Tried and left out: a shipment-count bound per node (the count
//! ascent redone over a node's remaining candidates after an exclusion) cut the nodes by 40% at
//! 20x200, but its ascent over every candidate cost more than it saved — it would need the
//! core treatment of the cost bound; a drop-and-recomplete local search on the root's incumbent
//! (no better plans at 40x1000); smaller or larger cores and node ascents (no change). The ascent still
//! falls short of the LP by 2-8% on about a quarter of those carts, and at 40x1000 the core
//! ascent leaves the certified bound 6-16% under the optimum after 200 nodes.
//!
//! Where the nodes go (measured on the native perf test's problems, `OPT_PERF_ORACLE` and
//! `bench/sourcing/root_gap.py`; see their docs for the commands):
//! * **Not the incumbent.** Started from its own optimum, the search still needs most of its
//!   nodes: the solve p99 falls by a third to a half at 10x50 (mixed 304 → 204 µs, store-heavy
//!   452 → 229 µs), by a fifth to a third at 20x200, and the mean node count by 15-40%. A root
//!   local search (add one of the relaxation's 4-16 favourite candidates, or swap one in for a
//!   shipment) hardly ever found a better plan and only added time; left out. Nor does the
//!   order of the children help: OUT first, or the child of smaller bound first, explores more
//!   nodes than IN first (store-heavy 10x50: 15.7 and 13.2 on average against 12.9). A full
//!   root ascent under the default budget (no giving up) saves few nodes at 10x50 (11.7 against
//!   12.9; more at 20x200: 66.1 against 51.9) for a solve p50 of 107 µs against 39.
//! * **The bound.** On the 30 problems of largest root gap at 10x50 (of 600), the root bound is
//!   10.1% under the optimum on average, as is the LP (9.7%): the gap is the formulation's. HiGHS's
//!   cutting planes at its root node alone take it to 3.3% (12 of the 30 closed), and its whole
//!   root (presolve, reduced-cost fixing from its incumbents, restart, cuts) to 0.6% (26 of 30
//!   closed). At 20x200 (the 20 worst of 120): root 13.9%, LP 8.5% (the core ascent falls short of
//!   the LP there), HiGHS's cuts 5.5%, its whole root 3.5%. The core is what falls short: with
//!   every candidate in the root's ascent the worst 20's root gap is 8.1% (all 120: 4.5% → 3.2%),
//!   but neither search gains from it as is (default budget: 55.5 nodes on average against 51.9 for
//!   store-heavy; budget 200: a certified gap of 7.9% against 2.75%; the experiment put every
//!   candidate in every node's ascent too). So the lever is cuts that the LP lacks; not a faster
//!   node, a better incumbent or a longer ascent alone. Which cuts (added to the LP and separated
//!   in rounds, mean gap over the same worst 30 at 10x50, then the worst 20 at 20x200): the
//!   mixed-integer roundings of each line's covering row (the family of the cover cuts above) 9.4%
//!   / 7.7%; knapsack-cover inequalities per line 8.0% / 7.4% (7.8% / 7.2% with flow terms);
//!   {0,1/2}-cuts of three and five lines' cover rows 8.1% / 6.9%; extended flow covers of each
//!   line's flow set (`sum_i x_ij <= q_j`, `x_ij <= a_ij y_i`; most of HiGHS's root cuts on a
//!   problem inspected with `root_gap.py --cut-pool` are of this form) 7.5% / 6.7%; flow covers and
//!   {0,1/2}-cuts together 5.9% / 5.4%, where HiGHS's cuts reach 3.3% / 5.5%. So relax-and-cut with
//!   separated flow covers and {0,1/2}-cuts is the measured way to a stronger bound; the rest of
//!   HiGHS's lead at 10x50 comes from rows aggregated across lines.
//! * **Relax-and-cut, tried and left out.** A prototype relaxed per-line extended flow covers
//!   into the Lagrangian (each cut adds its multiplier to the unit cost of its `(candidate,
//!   line)` entries and takes `β_i` times it off the fixed costs), separated at the root at the
//!   ascent's running average of relaxations (weights `2/(t+2)`; the subproblem's own solutions
//!   are integral, where these cuts only forbid over-supply) over each line's 10 most-opened
//!   holders, three rounds. Measured with `sourcing_optimizer_perf` at 10x50 and 20x200:
//!   - the root bound does rise: over all 10x50 problems, from 8.1% under the optimum (the
//!     shipped root, which gives up early) to 1.5%, with no bound above an optimum and every
//!     cost unchanged; but the problems with the largest trees (90-100 nodes) keep 10-13%;
//!   - after adding cuts, the ascent needs a restart without giving up (with it, the new
//!     multipliers never move: the subgradient at the integral solution does not see a cut the
//!     average violates) and 50-400 more evaluations per round;
//!   - the nodes do not fall: mean 5.2 → 5.5 (mixed 10x50), 12.9 → 11.2 (store-heavy), 22.8 →
//!     29.3 and 51.9 → 88.2 at 20x200; with every node ascending 100 steps without giving up
//!     (both arms), store-heavy 10x50 goes 10.9 → 7.6 nodes, at ten times the time per node;
//!   - the solve p50 at 10x50 goes from 37 to 350 µs (the root's extra evaluations and the
//!     penalty read per entry in the row pass).
//!
//!   So cuts through subgradient ascent converge far too slowly for these budgets; a dual
//!   method that converges in tens of evaluations (a bundle method) would be the prerequisite.
//! * **Other branchings, tried and left out** (session of 2026-12-08, `sourcing_optimizer_perf`
//!   at 10x50 and 20x200, every cost unchanged):
//!   - strong branching: the OUT children of the 4 (or 8) free candidates of largest estimated
//!     exclusion bound, each re-ascended 10 steps from the node's multipliers, the largest
//!     bound chosen (and kept by that child), at depths below 1, 3 or 6. The nodes hardly fall
//!     (store-heavy 10x50: 12.9 on average to 10.9-12.3) or rise (store-heavy 20x200: 51.7 to
//!     56.0-60.1), and the solve p99 goes from 10% lower (mixed 10x50) to 96% higher
//!     (store-heavy 20x200, 8 candidates): which candidate is branched on is not what makes the
//!     trees large;
//!   - branching on the number of shipments at the root (one child per exact count, its
//!     relaxation opening exactly that many): every count's child needs an ascent of its own and
//!     each subtree a search, for bounds barely above the root's: 5.2 → 33.6 nodes (mixed
//!     10x50), 51.7 → 230 (store-heavy 20x200);
//!   - the shipment-count bound again, per node with the core treatment the summary above
//!     asked for: recounted on each OUT child (its count ascent on a core of the count
//!     relaxation's favourites, 8-40 steps, from the root's or the parent's count multipliers,
//!     optionally only when the excluded candidate was one the count relaxation opened), its
//!     rounded bound raising the node's `need`. The nodes fall (mean 51.7 → 38.6-39.2 and max
//!     340 → 270-279 at store-heavy 20x200, 22.9 → 14.4-14.6 mixed; 12.9 → 9.7-9.8 and 265 →
//!     158 store-heavy 10x50), but the work does not: the instructions of the whole perf test
//!     (valgrind `--tool=cachegrind`, this machine has no hardware counters) are 0.0% to 0.5%
//!     above the shipped search's at 10x50 and 0.9% to 3.7% above at 20x200, and budget 200's
//!     worst certified gap at 20x200 grows (2.75% → 3.8-7.9%). Over every candidate instead
//!     of a core, that gap fell to 0.59%, but the solve p50 rose by up to a quarter (store-heavy
//!     20x200, timed on a noisy day).
//!
//! The code is written for the size-optimised wasm build (boxed slices, no sort closures in hot
//! loops): `Vec` indexing and small closures are calls there.
//!
//! Small carts (5x20, 10x50) miss their targets for another reason: the search is a few nodes,
//! but `source` solves up to five problems — the plan's, then up to `explainBudget` (4) forced
//! ones pricing the `costlier` explanations (`explain`), which take about three quarters of the
//! time — and each solve's cost is mostly its fixed setup (instance, incumbent, dominance pairs,
//! shipment-count bound, root relaxation: ~90 of the ~180 allocations of an unpriced 5x20
//! `source`) rather than its nodes. Forced solves start from the plan plus the priced location
//! ([`solve_from`]). Unpriced (`priceExplanations: false`, the benchmark's p50/p99), a 5x20
//! `source` through the wasm is about two fifths solve, a fifth problem build and explanations,
//! and a third the request's decoding and the plan's way to JS; each size's p99 is its few carts
//! of 7-9 (5x20) or 30-60 (10x50) nodes, where the node ascents (~9 evaluations of the bound
//! over every active candidate per node) are half the time. Cutting that needs fewer nodes or
//! fewer ascent steps, which change `searchNodes` (part of the answer). Measured and ruled out:
//! the allocator (a bump allocator that never frees made the wasm no faster; 40 fewer
//! allocations per call made no difference either), the whole of `Lagrangian::worth` inlined
//! into the evaluation (4-7% faster on the slowest 10x50 carts, but 0.7 KB gzip: only its row
//! pass is), a supply-only pass for the relaxation's chosen candidates, and explanations
//! counting a candidate's lines from its built stock (both within noise). Nor is the compiler's
//! speed setting the lever (`node bench/sourcing-ab.mjs`, 5x20 to 20x200): the whole crate at
//! `opt-level = 3` sources 3-11% faster (p50) than the shipped `"s"`, for 289.8 KB gzip; the
//! optimiser alone as a crate of its own at `opt-level = 3` (a per-package profile, under LTO)
//! 2% faster, for 7.7 KB gzip.
//!
//! At 5x20 the p99 is not a few slow carts alone (session of 2026-12-07, `/tmp` scripts over
//! `bench/sourcing/instances.mjs`'s carts): timed 15 times each, the slowest cart's median is
//! 54-71 µs against a p50 over all calls of about 40 µs, so the p99 target needs every cart about
//! 1.5x faster; 1-1.5% of calls take over twice their cart's median, a share that a 64 MiB young
//! generation (fewer scavenges) did not change, so not the garbage collector. Sampled through the
//! names-kept wasm, an unpriced 5x20 `source` is 39% solve, 11% explanations, 9% problem build,
//! 10% `JSON.stringify` of the request (glue.js `stringifyFinite`: about 2 µs for its 300-700
//! characters), 5% its decoding, 5% the plan's way to JS, and about 14% inside the allocator
//! spread over all of them.
//!
//! Timings: `cargo test --release --test sourcing_optimizer_perf -- --ignored --nocapture`
//! (native, the optimiser alone), `tests/sourcing_profile.rs` (native, `source` phase by phase
//! on the benchmark's instances) and `node bench/sourcing-quick.mjs` (through the wasm).

mod bound;
mod dominance;
mod flow;
mod heuristic;
mod instance;
mod partial;
mod search;

use serde::{Deserialize, Serialize};

use instance::Instance;

/// Default search budget, in branch-and-bound nodes.
pub const DEFAULT_BUDGET: u64 = 20_000;

/// A pure sourcing problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Units wanted per line (lines with the same SKU are already merged), each >= 1.
    pub demand: Vec<u64>,
    /// The locations that may ship.
    pub candidates: Vec<Candidate>,
    /// At most this many candidates may ship (`None`: no limit).
    pub max_shipments: Option<u32>,
    /// When no complete plan exists, return the plan shipping the most units, then cheapest.
    pub allow_partial: bool,
    /// Search budget in branch-and-bound nodes (see [`DEFAULT_BUDGET`]).
    pub budget: u64,
}

/// One location that may ship.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Cost of a shipment leaving here (finite, >= 0).
    pub fixed: f64,
    /// Cost of each unit shipped from here (finite, >= 0).
    pub unit: f64,
    /// Units it can ship in all (`None`: unlimited).
    pub capacity: Option<u64>,
    /// Units available per line: `(line index, units)`. Entries beyond the demand are clipped.
    pub stock: Vec<(u32, u64)>,
    /// Tie-break key: among equally cheap plans with as many shipments, the one whose sorted key
    /// list is lexicographically smallest wins. Give keys in location-id order.
    pub key: u32,
}

/// Whether the plan ships the whole demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every unit ships.
    Complete,
    /// Some units ship (only with `allow_partial`).
    Partial,
    /// Nothing ships.
    Unfulfillable,
}

/// One candidate's part of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Shipment {
    /// Index into [`Problem::candidates`].
    pub candidate: usize,
    /// `(line index, units)`, by line index, units >= 1.
    pub lines: Vec<(u32, u64)>,
    /// Units in all.
    pub units: u64,
    /// `fixed + units * unit`.
    pub cost: f64,
}

/// The optimiser's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Complete, partial or unfulfillable.
    pub status: Status,
    /// Sum of the shipments' costs.
    pub cost: f64,
    /// Proven lower bound on the cost of the best plan of this status (`cost` when optimal).
    pub lower_bound: f64,
    /// True when the plan is proven best (and, for partial plans, the unit count proven largest).
    pub optimal: bool,
    /// Shipments, by candidate key.
    pub shipments: Vec<Shipment>,
    /// `(line index, units)` not shipped, by line index.
    pub unfulfilled: Vec<(u32, u64)>,
    /// Branch-and-bound nodes explored.
    pub nodes: u64,
}

/// Solves `problem` exactly, or as well as the node budget allows (see the module documentation).
pub fn solve(problem: &Problem) -> Solution {
    partial::solve(problem, &[], None)
}

/// [`solve`], starting from the plan that the candidates `start` (indices into
/// [`Problem::candidates`]) ship, when they can ship the whole demand. The optimum is the same;
/// a start close to it lets the bounds prune from the first node on (explanations price a
/// location from the plan plus that location).
pub fn solve_from(problem: &Problem, start: &[usize]) -> Solution {
    partial::solve(problem, start, None)
}

/// The best partial plan of `problem` (its `allow_partial` set), after [`solve`] without
/// `allow_partial` found no complete plan: the same answer as [`solve`] with it, without the
/// complete search again, the budget going to the partial one. `proven_incomplete`: that search
/// proved that no complete plan exists (its solution is `optimal`).
pub fn solve_partial(problem: &Problem, proven_incomplete: bool) -> Solution {
    partial::solve(problem, &[], Some(proven_incomplete))
}

/// The tolerance under which two plan costs of `problem` count as equal (then shipments and keys
/// decide). Exposed so that independent checkers can apply the same tie rule.
pub fn cost_tolerance(problem: &Problem) -> f64 {
    Instance::new(problem, None).tol
}

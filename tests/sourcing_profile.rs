//! Where `source`'s time goes, phase by phase, on the benchmark's own instances (written by
//! `node bench/sourcing/dump.mjs 5x20,10x50 target/sourcing-instances.json`):
//! `ATSOURCE_INSTANCES=target/sourcing-instances.json cargo test --release --test
//! sourcing_profile -- --ignored --nocapture` (the release profile is the shipped
//! size-optimised one). With `ATSOURCE_LOOP=n` it only calls `source` n times over every
//! instance, for a profiler (`perf record`), and prints the allocations per call
//! (`ATSOURCE_UNPRICED=1`: with `priceExplanations: false`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use atsource::network::LocationInput;
use atsource::sourcing::{explain, optimizer, problem, Profiles, SourceRequest};
use atsource::Engine;
use serde_json::Value;

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn engine(locations: &Value, events: &Value) -> Engine {
    let mut e = Engine::new();
    let locations: Vec<LocationInput> = serde_json::from_value(locations.clone()).unwrap();
    e.upsert_locations(locations).unwrap();
    e.apply_events_json(&events.to_string()).unwrap();
    e
}

/// Mean µs of `f` over `reps` calls.
fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> f64 {
    let t = Instant::now();
    for _ in 0..reps {
        std::hint::black_box(f());
    }
    t.elapsed().as_secs_f64() * 1e6 / reps as f64
}

const COLUMNS: [&str; 8] = [
    "decode", "source", "noprice", "build", "solve", "explain", "encode", "nodes",
];

#[test]
#[ignore]
fn phases() {
    let Ok(path) = std::env::var("ATSOURCE_INSTANCES") else {
        println!("ATSOURCE_INSTANCES not set: nothing to profile");
        return;
    };
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let demo = engine(&all["demo"]["locations"], &all["demo"]["events"]);
    let profiles = Profiles::new();
    let instances = all["instances"].as_array().unwrap();
    let built: Vec<(String, Option<Engine>, String)> = instances
        .iter()
        .map(|inst| {
            let key = format!(
                "{} {}",
                inst["family"].as_str().unwrap(),
                inst["size"].as_str().unwrap()
            );
            let own =
                (!inst["locations"].is_null()).then(|| engine(&inst["locations"], &inst["events"]));
            (key, own, inst["request"].to_string())
        })
        .collect();
    if let Some(n) = std::env::var("ATSOURCE_LOOP")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        // ATSOURCE_UNPRICED=1: as the benchmark's p50/p99 columns, `priceExplanations: false`.
        let unpriced = std::env::var("ATSOURCE_UNPRICED").is_ok_and(|v| v == "1");
        let requests: Vec<_> = built
            .iter()
            .map(|b| {
                let mut r = SourceRequest::from_json(&b.2).unwrap();
                if unpriced {
                    r.price_explanations = Some(false);
                }
                r
            })
            .collect();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..n {
            for ((_, own, _), request) in built.iter().zip(&requests) {
                std::hint::black_box(own.as_ref().unwrap_or(&demo).source(request).unwrap());
            }
        }
        let calls = (n * built.len()).max(1) as f64;
        let allocations = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64;
        println!("{:.1} allocations per source call", allocations / calls);
        return;
    }
    let mut rows: Vec<(String, [f64; 8], usize)> = Vec::new();
    for (key, own, json) in &built {
        let e = own.as_ref().unwrap_or(&demo);
        let reps = if key.ends_with("40x1000") {
            3
        } else if key.ends_with("20x200") {
            10
        } else {
            200
        };
        let request = SourceRequest::from_json(json).unwrap();
        let mut unpriced = request.clone();
        unpriced.price_explanations = Some(false);
        let cart = request.cart().unwrap();
        let strategies = profiles
            .resolve_priced(request.profile.as_ref(), None)
            .unwrap();
        let s = &strategies[0];
        let sourcing = problem::build(e.network(), e.inventory(), &cart, s);
        let plan = e.source(&request).unwrap();
        let t = [
            time(reps, || SourceRequest::from_json(json).unwrap()),
            time(reps, || e.source(&request).unwrap()),
            time(reps, || e.source(&unpriced).unwrap()),
            time(reps, || {
                problem::build(e.network(), e.inventory(), &cart, s)
            }),
            time(reps, || optimizer::solve(&sourcing.problem)),
            time(reps, || {
                explain::explain(e.network(), e.inventory(), &cart, s, &[], true)
            }),
            time(reps, || serde_json::to_string(&plan).unwrap()),
            plan.search_nodes as f64,
        ];
        match rows.iter_mut().find(|r| &r.0 == key) {
            Some(r) => {
                r.1.iter_mut().zip(t).for_each(|(a, b)| *a += b);
                r.2 += 1;
            }
            None => rows.push((key.clone(), t, 1)),
        }
    }
    print!("{:<20}", "mean µs");
    COLUMNS.iter().for_each(|c| print!(" {c:>9}"));
    println!();
    for (key, t, n) in rows {
        print!("{key:<20}");
        t.iter().for_each(|x| print!(" {:>9.1}", x / n as f64));
        println!();
    }
}

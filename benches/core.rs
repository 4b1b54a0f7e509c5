//! Criterion benchmarks of the native core, on the embedded demo network.
//! `make bench` runs them and merges the estimates into `bench/results.json`.

use std::hint::black_box;

use atsource::demo::{self, DemoOptions};
use atsource::inventory::{ApplyOptions, AvailabilityQuery, Event, EventKind};
use atsource::network::GeoPoint;
use atsource::Engine;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};

const PARIS: GeoPoint = GeoPoint {
    lat: 48.8566,
    lon: 2.3522,
};

fn network(stores: u32, skus: u32, density: Option<f64>) -> Engine {
    let mut e = Engine::new();
    let opts = DemoOptions {
        stores,
        warehouses: 4,
        skus,
        density,
        ..DemoOptions::default()
    };
    demo::load(&mut e, &opts).unwrap_or_else(|err| panic!("demo network: {err}"));
    e
}

/// 100,000 events touching existing positions, each with a fresh id.
fn batch(e: &Engine, tag: &str) -> Vec<Event<'static>> {
    let inv = e.inventory();
    let mut rng = fastrand::Rng::with_seed(7);
    let skus: Vec<&str> = inv.sku_names().collect();
    (0..100_000)
        .map(|i| {
            let s = rng.usize(..skus.len());
            let stock = inv.stock(s as u32).unwrap();
            let loc = stock.loc(rng.usize(..stock.len()));
            let kind = match i % 4 {
                0 => EventKind::Reserve(1),
                1 => EventKind::Release(1),
                2 => EventKind::Adjust(-1),
                _ => EventKind::Set {
                    on_hand: rng.i32(0..50),
                    version: None,
                },
            };
            Event {
                id: format!("{tag}-{i}").into(),
                sku: skus[s].to_string().into(),
                location: e.network().get(loc).unwrap().id.clone().into(),
                kind,
            }
        })
        .collect()
}

fn to_json(events: &[Event<'_>]) -> String {
    let items: Vec<String> = events
        .iter()
        .map(|e| {
            let tail = match e.kind {
                EventKind::Reserve(q) => format!(r#""type":"reserve","qty":{q}"#),
                EventKind::Release(q) => format!(r#""type":"release","qty":{q}"#),
                EventKind::Adjust(d) => format!(r#""type":"adjust","delta":{d}"#),
                EventKind::Set { on_hand, .. } => format!(r#""type":"set","onHand":{on_hand}"#),
                _ => unreachable!(),
            };
            format!(
                r#"{{"id":"{}","sku":"{}","location":"{}",{tail}}}"#,
                e.id, e.sku, e.location
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn events(c: &mut Criterion) {
    let base = network(150, 2000, None);
    let events = batch(&base, "bench");
    let json = to_json(&events);
    let mut g = c.benchmark_group("apply_events");
    g.throughput(Throughput::Elements(events.len() as u64));
    g.sample_size(20);
    g.bench_function("typed_100k", |b| {
        b.iter_batched(
            || base.clone(),
            |mut e| {
                // The engine is returned so that its drop stays outside the timing.
                let report = e.apply_events(&events);
                (e, black_box(report))
            },
            BatchSize::LargeInput,
        )
    });
    // The bulk-load path (`{ changes: false }` in JS): counts only, no list of ATS changes.
    g.bench_function("typed_100k_counts_only", |b| {
        b.iter_batched(
            || base.clone(),
            |mut e| {
                let report = e.apply_events_with(
                    &events,
                    ApplyOptions {
                        changes: false,
                        ..Default::default()
                    },
                );
                (e, black_box(report))
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("json_100k", |b| {
        b.iter_batched(
            || base.clone(),
            |mut e| {
                let report = e.apply_events_json(&json).unwrap();
                (e, black_box(report))
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn ats(c: &mut Criterion) {
    let e = network(150, 2000, None);
    let inv = e.inventory();
    let mut rng = fastrand::Rng::with_seed(3);
    let probes: Vec<(String, String)> = (0..4096)
        .map(|_| {
            let s = rng.usize(..inv.sku_count());
            let stock = inv.stock(s as u32).unwrap();
            let loc = stock.loc(rng.usize(..stock.len()));
            (
                inv.sku_name(s as u32).to_string(),
                e.network().get(loc).unwrap().id.clone(),
            )
        })
        .collect();
    let mut i = 0;
    c.bench_function("ats/one_position", |b| {
        b.iter(|| {
            i = (i + 1) & 4095;
            let (s, l) = &probes[i];
            black_box(e.ats(s, Some(l)).unwrap())
        })
    });
}

fn availability(c: &mut Criterion) {
    let e = network(996, 2000, None);
    let radius = e.network().index().within(PARIS, None)[49].1;
    let mut g = c.benchmark_group("availability_50_nearest_of_1000");
    for n in [20usize, 100] {
        let q = AvailabilityQuery {
            skus: e
                .inventory()
                .sku_names()
                .step_by(7)
                .take(n)
                .map(str::to_string)
                .collect(),
            near: Some(PARIS),
            radius_km: Some(radius),
            ..Default::default()
        };
        g.bench_function(format!("{n}_skus"), |b| {
            b.iter(|| black_box(e.availability(&q).unwrap()))
        });
    }
    g.finish();
}

fn snapshots(c: &mut Criterion) {
    let e = network(96, 10_000, Some(1.0));
    let bytes = e.snapshot();
    let positions = e.stats().positions;
    let per_position = bytes.len() as f64 / f64::from(positions);
    println!(
        "snapshot: {positions} positions, {} bytes, {per_position:.2} bytes/position",
        bytes.len()
    );
    let _ = std::fs::create_dir_all("bench");
    let _ = std::fs::write(
        "bench/snapshot-native.json",
        format!(
            r#"{{"positions":{positions},"bytes":{},"bytesPerPosition":{per_position:.3}}}"#,
            bytes.len()
        ),
    );
    let mut g = c.benchmark_group("snapshot_1m_positions");
    g.sample_size(10);
    g.bench_function("from_snapshot", |b| {
        b.iter(|| black_box(Engine::from_snapshot(&bytes).unwrap()))
    });
    g.bench_function("snapshot", |b| b.iter(|| black_box(e.snapshot())));
    g.finish();
}

criterion_group!(benches, events, ats, availability, snapshots);
criterion_main!(benches);

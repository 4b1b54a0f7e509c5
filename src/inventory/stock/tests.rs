use super::*;

fn stock(positions: &[(u32, Position)]) -> SkuStock {
    let mut s = SkuStock::default();
    for &(loc, p) in positions {
        let i = s.slot(loc);
        s.put(i, p);
    }
    s
}

#[test]
fn a_sparse_sku_keeps_its_columns_inline() {
    let spilled = |s: &SkuStock| {
        let locs = match &s.locs {
            Locs::List(v) => v.spilled(),
            Locs::Bits(_) => true,
        };
        let slots = match &s.slots {
            Slots::Small(v) => v.spilled(),
            _ => true,
        };
        (locs, slots)
    };
    let plain = |n| Position {
        on_hand: n,
        ..Default::default()
    };
    // Built by events: two positions inline, a third location moves the list out.
    let mut s = stock(&[(40, plain(3)), (7, plain(65_535))]);
    assert_eq!(spilled(&s), (false, false));
    let i = s.slot(90);
    s.put(i, plain(1));
    assert_eq!(spilled(&s), (true, false));
    // Read back from its stored form, a one-position SKU allocates nothing either.
    let one = stock(&[(5, plain(2))]);
    let read: SkuStock = postcard::from_bytes(&postcard::to_allocvec(&one).unwrap()).unwrap();
    assert_eq!(spilled(&read), (false, false));
    assert_eq!(read, one);
    assert_eq!(read.get(0).on_hand, 2);
}

#[test]
fn columns_round_trip_and_skip_defaults() {
    let plain = stock(&[
        (
            7,
            Position {
                on_hand: 3,
                ..Default::default()
            },
        ),
        (
            2,
            Position {
                on_hand: 5,
                ..Default::default()
            },
        ),
    ]);
    assert!(
        plain.versions.is_empty(),
        "no version column until one is set"
    );
    let bytes = postcard::to_allocvec(&plain).unwrap();
    // 6 bytes: n=2, no optional column, gaps [2, 5], on_hand zigzag [10, 6].
    assert_eq!(bytes, [6, 2, 0, 2, 5, 10, 6]);
    assert_eq!(postcard::from_bytes::<SkuStock>(&bytes).unwrap(), plain);

    let full = stock(&[
        (
            0,
            Position {
                on_hand: -4,
                reserved: 1,
                picking: 2,
                safety: Some(0),
                version: Some(0),
            },
        ),
        (
            9,
            Position {
                on_hand: 8,
                reserved: 0,
                picking: 0,
                safety: None,
                version: None,
            },
        ),
    ]);
    assert_eq!(full.get(0).version, Some(0));
    assert_eq!(full.get(1).version, None);
    let bytes = postcard::to_allocvec(&full).unwrap();
    let back: SkuStock = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, full);
    assert_eq!(back.get(0), full.get(0));
}

#[test]
fn inserting_keeps_the_version_column_aligned() {
    let mut s = stock(&[(
        5,
        Position {
            on_hand: 1,
            version: Some(7),
            ..Default::default()
        },
    )]);
    let i = s.slot(1);
    assert_eq!(i, 0);
    assert!(s.is_consistent());
    assert_eq!(s.get(0).version, None);
    assert_eq!(s.get(1).version, Some(7));
}

#[test]
fn dense_skus_use_a_bitmap_that_answers_like_a_list() {
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..200 {
        let span = rng.u32(1..300);
        let mut s = SkuStock::default();
        let mut model = std::collections::BTreeSet::new();
        for k in 0..rng.usize(0..200) {
            // Mostly near locations, now and then a far one.
            let loc = if rng.u8(..) < 8 {
                rng.u32(0..5000)
            } else {
                rng.u32(0..span)
            };
            let i = s.slot(loc);
            s.put(
                i,
                Position {
                    on_hand: k as i32,
                    ..Default::default()
                },
            );
            model.insert(loc);
            assert!(s.is_consistent());
        }
        let locs: Vec<u32> = model.iter().copied().collect();
        assert_eq!(s.positions().map(|p| p.1).collect::<Vec<_>>(), locs);
        assert_eq!(s.last_loc(), locs.last().copied());
        for (i, &l) in locs.iter().enumerate() {
            assert_eq!(s.loc(i), l);
        }
        assert_eq!(s.loc(locs.len()), u32::MAX);
        for probe in 0..5001 {
            assert_eq!(s.find(probe), locs.binary_search(&probe).ok());
        }
        let back: SkuStock = postcard::from_bytes(&postcard::to_allocvec(&s).unwrap()).unwrap();
        assert_eq!(
            back.positions().collect::<Vec<_>>(),
            s.positions().collect::<Vec<_>>()
        );
        assert_eq!(
            (0..s.len()).map(|i| back.get(i)).collect::<Vec<_>>(),
            (0..s.len()).map(|i| s.get(i)).collect::<Vec<_>>()
        );
        // Equal whatever the representations: the events' stock may keep a bitmap (or a list)
        // that its snapshot reads back the other way.
        assert_eq!(back, s);
    }
    let dense = stock(
        &(0..100)
            .map(|l| (l, Position::default()))
            .collect::<Vec<_>>(),
    );
    assert!(dense.is_dense());
    let sparse = stock(&[(0, Position::default()), (4000, Position::default())]);
    assert!(!sparse.is_dense());
}

#[test]
fn refuses_inconsistent_columns() {
    // Two positions at the same location (second gap 0).
    let bad = [6, 2, 0, 1, 0, 2, 2];
    assert!(postcard::from_bytes::<SkuStock>(&bad).is_err());
    // Three locations, two quantities.
    let short = [7, 3, 0, 1, 1, 1, 2, 2];
    assert!(postcard::from_bytes::<SkuStock>(&short).is_err());
    // An unknown column, a count the bytes cannot hold, bytes left over.
    for bytes in [&[4, 1, 16, 0, 2][..], &[3, 100, 0, 0], &[5, 1, 0, 0, 2, 9]] {
        assert!(
            postcard::from_bytes::<SkuStock>(bytes).is_err(),
            "{bytes:?}"
        );
    }
    assert!(postcard::from_bytes::<SkuStock>(&[4, 1, 0, 0, 2]).is_ok());
}

//! The demo catalogue: a French fashion and home brand, models declined in colours and sizes.
//!
//! A SKU is `CAT-MMMM-COL[-SIZE]`: category code, model number within the category, colour
//! code and size (`CHE-0042-BLE-M`, `LIT-0007-ECR-240X220`, `BOU-0003-FIG-180G`).

use fastrand::Rng;
use serde::Serialize;

use super::categories::{Category, CATEGORIES, FASHION_NAMES, HOME_NAMES};
use super::{between, cents};

/// One SKU of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// Stock keeping unit, unique (`CHE-0042-BLE-M`).
    pub sku: String,
    /// The model it declines, shared by its colours and sizes (`CHE-0042`): one product page.
    pub model: String,
    /// Display name in French (`Chemise en lin Basile — Bleu ciel, M`).
    pub name: String,
    /// `Mode` or `Maison`.
    pub department: String,
    /// Category in French (`Chemises`, `Linge de lit`).
    pub category: String,
    /// Colour (or scent, for candles) in French.
    pub color: String,
    /// Size (`M`, `40`, `240x220`, `180g`), absent for one-size items.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub size: Option<String>,
    /// Retail price, euros including VAT.
    pub price: f64,
    /// Shipping weight, grams.
    pub weight_grams: u32,
}

/// A catalogue item and how well it sells, in (0, 1]: bestsellers are stocked more widely.
pub(super) struct Item {
    pub product: Product,
    pub demand: f64,
}

/// The first `count` SKUs of the catalogue drawn from `rng`.
///
/// Models are drawn one after another, so a smaller catalogue is a prefix of a larger one.
pub(super) fn generate(rng: &mut Rng, count: u32) -> Vec<Item> {
    let total_share: u32 = CATEGORIES.iter().map(|c| c.share).sum();
    let mut next_model = vec![0u32; CATEGORIES.len()];
    let mut out = Vec::with_capacity(count as usize);
    while out.len() < count as usize {
        let mut roll = between(rng, 0, total_share - 1);
        let mut ci = 0;
        while let Some(c) = CATEGORIES.get(ci) {
            if roll < c.share {
                break;
            }
            roll -= c.share;
            ci += 1;
        }
        let (Some(cat), Some(n)) = (CATEGORIES.get(ci), next_model.get_mut(ci)) else {
            break;
        };
        *n += 1;
        model(rng, cat, *n, count as usize, &mut out);
    }
    out
}

/// Declines model number `n` of `cat` into its SKUs, stopping once `out` holds `limit`.
fn model(rng: &mut Rng, cat: &Category, n: u32, limit: usize, out: &mut Vec<Item>) {
    let styles = cat.styles.len() as u32;
    let names = if cat.department == "Mode" {
        FASHION_NAMES
    } else {
        HOME_NAMES
    };
    let i = n - 1;
    let style = cat.styles[(i % styles) as usize];
    let collection = names[((i / styles) % names.len() as u32) as usize];
    let edition = i / (styles * names.len() as u32);
    let title = match edition {
        0 => format!("{style} {collection}"),
        e => format!("{style} {collection} {}", e + 1),
    };
    let model_id = format!("{}-{n:04}", cat.code);

    // Demand skewed towards the low end: a few bestsellers, a long tail.
    let u = rng.f64();
    let demand = 0.05 + 0.95 * (0.5 * u * u + 0.5 * u);
    let euros = between(rng, cat.price.0, cat.price.1);
    let ending = match between(rng, 0, 9) {
        0..=6 => 99,
        7 | 8 => 90,
        _ => 50,
    };
    let weight = between(rng, cat.weight.0, cat.weight.1);

    let colors = pick_colors(rng, cat.colors);
    let sizes: Vec<Option<&str>> = if cat.sizes.is_empty() {
        vec![None]
    } else {
        cat.sizes.iter().map(|s| Some(*s)).collect()
    };
    for (k, &(code, color)) in colors.iter().enumerate() {
        // Later colours of a model sell less than its lead colour.
        let color_factor = 1.0 - 0.15 * k as f64;
        for (step, size) in sizes.iter().enumerate() {
            if out.len() >= limit {
                return;
            }
            let step = step as u32;
            let (sku, name) = match size {
                Some(s) => (
                    format!("{model_id}-{code}-{}", s.to_ascii_uppercase()),
                    format!("{title} — {color}, {s}"),
                ),
                None => (format!("{model_id}-{code}"), format!("{title} — {color}")),
            };
            out.push(Item {
                product: Product {
                    sku,
                    model: model_id.clone(),
                    name,
                    department: cat.department.to_string(),
                    category: cat.label.to_string(),
                    color: color.to_string(),
                    size: size.map(str::to_string),
                    price: cents((euros + step * cat.price_step) * 100 + ending),
                    weight_grams: weight + step * cat.weight.2,
                },
                demand: demand * color_factor * size_factor(sizes.len(), step as usize),
            });
        }
    }
}

/// One to four distinct colours of `palette`, the model's lead colour first.
fn pick_colors(
    rng: &mut Rng,
    palette: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    let wanted = match between(rng, 0, 9) {
        0 | 1 => 1,
        2..=5 => 2,
        6..=8 => 3,
        _ => 4,
    }
    .min(palette.len());
    let mut out: Vec<(&str, &str)> = Vec::with_capacity(wanted);
    while out.len() < wanted {
        let Some(&c) = palette.get(between(rng, 0, palette.len() as u32 - 1) as usize) else {
            break;
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Middle sizes sell best; the smallest and largest of a range about half as well.
fn size_factor(sizes: usize, step: usize) -> f64 {
    if sizes <= 2 {
        return 1.0;
    }
    let mid = (sizes - 1) as f64 / 2.0;
    let off = (step as f64 - mid).abs() / mid;
    1.0 - 0.5 * off * off
}

//! `Engine`, as JavaScript sees it.

use std::cell::RefCell;

use js_sys::{Array, JSON};
use wasm_bindgen::prelude::*;

// Builds availability objects from the packed numbers in JS, where creating objects is cheap,
// instead of a JSON text round trip (see `PackedAvailability`).
#[wasm_bindgen(module = "/src/wasm/glue.js")]
extern "C" {
    // `catch`: a throw inside must not unwind through the engine's borrow (every later call
    // would fail); it becomes this call's error.
    #[wasm_bindgen(js_name = unpackAvailability, catch)]
    fn unpack_availability(
        numbers: &[f64],
        ids: &Array,
        names: &JsValue,
        dates: &str,
    ) -> Result<JsValue, JsValue>;

    // The same signature as `unpack_availability`: V8 compiles one import wrapper per distinct
    // signature when the module is instantiated (cold start).
    #[wasm_bindgen(js_name = unpackChanges, catch)]
    fn unpack_changes(
        numbers: &[f64],
        ids: &Array,
        report: &JsValue,
        skus: &str,
    ) -> Result<JsValue, JsValue>;

    // The same signature again; the third argument is unused.
    #[wasm_bindgen(js_name = unpackPlan, catch)]
    fn unpack_plan(
        numbers: &[f64],
        ids: &Array,
        unused: &JsValue,
        text: &str,
    ) -> Result<JsValue, JsValue>;

    /// The wall clock, as `YYYY-MM-DDTHH:MM` local time in `zone` (the core reads no clock).
    // Returns a JS string rather than a `String`: the signature of `JSON.parse`'s import.
    #[wasm_bindgen(js_name = localNow, catch)]
    fn local_now(zone: &str) -> Result<JsValue, JsValue>;

    /// The bytes of a `Uint8Array`, an `ArrayBuffer` or an array of byte values; `None` for
    /// anything else; `Err` when reading the value threw (a getter, a Proxy's trap).
    #[wasm_bindgen(js_name = snapshotBytes, catch)]
    fn snapshot_bytes(value: &JsValue) -> Result<Option<Vec<u8>>, JsValue>;

    /// A `Uint8Array` copy of `bytes`.
    #[wasm_bindgen(js_name = copyBytes)]
    fn copy_bytes(bytes: &[u8]) -> JsValue;

    /// Whether a thrown value is the coded error of a trap (the memory ran out while a value
    /// was copied into the wasm), not a refusal of the value.
    #[wasm_bindgen(js_name = fromTrap)]
    fn from_trap(thrown: &JsValue) -> bool;
}

use super::bridge::{
    availability_text, decode, events_text, input, input_list, invalid, object_text, output,
    request_text_under, string_arg, text, to_js, Refused,
};
use crate::inventory::{ApplyOptions, AvailabilityBuffers, PackedAvailability, ThresholdRule};
use crate::network::LocationInput;
use crate::promise::DeliveryRequest;
use crate::sourcing::{Profile, SourceRequest, SourcingError};
use crate::InputError;

/// Gives the events `events_text` refused in JS (which the engine read as `null`) their own
/// rejection: `not_json` saying why, or a NaN or infinite quantity's code.
fn apply_js_refusals(report: &mut crate::inventory::ApplyReport, refused: Refused) {
    for (index, line) in refused {
        if let Some(r) = report.rejected.iter_mut().find(|r| r.index == index) {
            let (code, message) = line.split_once(' ').unwrap_or((&line, ""));
            r.message = match code {
                "not_json" => format!("the event cannot be written as JSON: {message}"),
                _ => message.to_string(),
            };
            r.code = code.to_string();
        }
    }
}

/// The availability engine: locations, inventory positions, ATS and availability.
#[derive(Debug)]
#[wasm_bindgen(js_name = Engine)]
pub struct JsEngine {
    inner: crate::Engine,
    /// Location ids as JS strings, by location index: built once, not per answer.
    ids: RefCell<Option<Array>>,
    /// What availability queries work in and answer into, kept from one query to the next.
    availability: RefCell<(AvailabilityBuffers, PackedAvailability)>,
}

#[wasm_bindgen(js_class = Engine)]
impl JsEngine {
    /// An empty engine.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsEngine {
        JsEngine {
            inner: crate::Engine::new(),
            ids: RefCell::new(None),
            availability: RefCell::default(),
        }
    }

    /// Inserts or replaces locations by id. Validates every one before changing any.
    #[wasm_bindgen(js_name = upsertLocations, unchecked_return_type = "{ upserted: number }")]
    pub fn upsert_locations(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "LocationInput[]")] locations: JsValue,
    ) -> Result<JsValue, JsValue> {
        let locations: Vec<LocationInput> = input_list(&locations, "locations")?;
        let upserted = self.inner.upsert_locations(locations);
        self.upserted(upserted)
    }

    /// `upsertLocations` for locations an earlier build stored (a journal being replayed), read
    /// as a snapshot's are: a cost above today's ceiling, which that build took, is read at it.
    #[wasm_bindgen(js_name = restoreLocations, unchecked_return_type = "{ upserted: number }")]
    pub fn restore_locations(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "LocationInput[]")] locations: JsValue,
    ) -> Result<JsValue, JsValue> {
        let locations: Vec<LocationInput> = input_list(&locations, "locations")?;
        let upserted = self.inner.restore_locations(locations);
        self.upserted(upserted)
    }

    /// Every location, defaults applied, in the engine's order: each `upsertLocations` call's
    /// new locations after those known before it, in spatial order (nearby locations together).
    #[wasm_bindgen(unchecked_return_type = "Location[]")]
    pub fn locations(&self) -> Result<JsValue, JsValue> {
        output(&self.inner.network().all())
    }

    /// Applies a batch of events — an array, or its JSON text (the fastest path for ingest).
    /// Each event stands alone: bad ones are listed in `rejected`, the others apply. A batch of
    /// more than 4,194,304 events is refused whole (`invalid_input`).
    #[wasm_bindgen(js_name = applyEvents, unchecked_return_type = "ApplyReport")]
    pub fn apply_events(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EventInput[] | string")] events: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ApplyOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let opts: ApplyOptions = if options.is_undefined() || options.is_null() {
            ApplyOptions::default()
        } else {
            input(&options, "options")?
        };
        let (json, refused) = if Array::is_array(&events) {
            events_text(&events)?
        } else {
            (text(&events, "events")?, Vec::new())
        };
        if !opts.changes {
            let mut report = self
                .inner
                .apply_events_json_with(&json, opts)
                .map_err(to_js)?;
            apply_js_refusals(&mut report, refused);
            return output(&report);
        }
        // A batch can change a hundred thousand positions: those cross as numbers, the rest of
        // the report (counts, rejections, alerts) as JSON.
        let (mut report, changes) = self
            .inner
            .apply_events_json_packed(&json, opts)
            .map_err(to_js)?;
        apply_js_refusals(&mut report, refused);
        let skus = serde_json::to_string(&changes.skus).map_err(|e| invalid("", &e.to_string()))?;
        unpack_changes(
            &changes.numbers,
            &self.location_ids(),
            &output(&report)?,
            &skus,
        )
    }

    /// ATS of `sku` at `location`, or the network total when `location` is omitted.
    pub fn ats(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] sku: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] location: Option<JsValue>,
    ) -> Result<f64, JsValue> {
        let sku = string_arg(&sku, "sku")?;
        let location = match location {
            Some(l) if !l.is_undefined() && !l.is_null() => Some(string_arg(&l, "location")?),
            _ => None,
        };
        let ats = self.inner.ats(&sku, location.as_deref()).map_err(to_js)?;
        Ok(ats as f64)
    }

    /// Availability per SKU near a point.
    #[wasm_bindgen(unchecked_return_type = "SkuAvailability[]")]
    pub fn availability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AvailabilityQuery")] query: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (inventory, network) = (self.inner.inventory(), self.inner.network());
        // The short way in: the SKUs read in place from one text, the other fields as numbers.
        // A query it does not take crosses as JSON.
        let text = availability_text(&query);
        let lines = text
            .as_ref()
            .map(|(t, _)| newline_ended(t))
            .unwrap_or_default();
        let (parsed, listed) = match (lines.split_first(), &text) {
            (Some((today, skus)), Some((_, fields))) => (fields.query(today), Some(skus)),
            _ => (decode(&object_text(&query, "query")?, "query")?, None),
        };
        let named: Vec<&str>;
        let skus = match listed {
            Some(skus) => skus,
            None => {
                named = parsed.skus.iter().map(String::as_str).collect();
                &named
            }
        };
        let ids = self.location_ids();
        // No JS of the caller's runs while the buffers are borrowed (the query was read above;
        // unpacking runs only the binding's own code); were they taken all the same, fresh ones
        // answer.
        let mut fresh = Default::default();
        let mut kept = self.availability.try_borrow_mut();
        let (buf, packed) = match kept.as_deref_mut() {
            Ok(kept) => kept,
            Err(_) => &mut fresh,
        };
        inventory
            .availability_packed_in(network, &parsed, skus, listed.is_none(), buf, packed)
            .map_err(|e| to_js(e.into()))?;
        // SKUs read from the short way's text are named from what glue.js wrote it from.
        let names = match listed {
            Some(_) => JsValue::UNDEFINED,
            None => JsValue::from(&packed.names),
        };
        unpack_availability(&packed.numbers, &ids, &names, &packed.dates)
    }

    /// Sets a low-stock alert threshold (`low: null` removes it).
    #[wasm_bindgen(js_name = setAlertThreshold, unchecked_return_type = "undefined")]
    pub fn set_alert_threshold(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ThresholdRule")] rule: JsValue,
    ) -> Result<JsValue, JsValue> {
        let rule: ThresholdRule = input(&rule, "rule")?;
        self.inner.set_alert_threshold(rule).map_err(to_js)?;
        Ok(JsValue::UNDEFINED)
    }

    /// Every number of one position, or `undefined` when the SKU was never stocked there.
    #[wasm_bindgen(unchecked_return_type = "PositionView | undefined")]
    pub fn position(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] sku: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] location: JsValue,
    ) -> Result<JsValue, JsValue> {
        let sku = string_arg(&sku, "sku")?;
        let location = string_arg(&location, "location")?;
        match self.inner.position(&sku, &location).map_err(to_js)? {
            Some(p) => output(&p),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Registers (or replaces) a named sourcing profile; validated whole before it is stored.
    #[wasm_bindgen(js_name = setProfile, unchecked_return_type = "undefined")]
    pub fn set_profile(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Profile")] profile: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        let profile = profile_arg(&profile)?;
        if let Some(delivery) = &profile.delivery {
            known_zone(&delivery.time_zone)?;
        }
        self.inner.set_profile(&name, profile).map_err(to_js)?;
        Ok(JsValue::UNDEFINED)
    }

    /// Registers a profile an earlier build stored (a journal being replayed), checked as that
    /// build checked it, as a snapshot's profiles are: what it accepted still loads (a cost
    /// above today's ceiling is read at the ceiling; a location's hours that no longer hold are
    /// left out). `setProfile` is for what comes in.
    #[wasm_bindgen(js_name = restoreProfile, unchecked_return_type = "undefined")]
    pub fn restore_profile(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Profile")] profile: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        let profile = profile_arg(&profile)?;
        self.inner.restore_profile(&name, profile).map_err(to_js)?;
        Ok(JsValue::UNDEFINED)
    }

    /// Removes a named sourcing profile; true when it existed.
    #[wasm_bindgen(js_name = removeProfile)]
    pub fn remove_profile(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<bool, JsValue> {
        let name = string_arg(&name, "name")?;
        Ok(self.inner.remove_profile(&name))
    }

    /// Sources an order: the minimum-cost plan of shipments under the profile's strategies.
    #[wasm_bindgen(unchecked_return_type = "Plan")]
    pub fn source(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SourceRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = SourceRequest::from_json(&object_text(&request, "request")?)
            .map_err(|e| to_js(e.into()))?;
        // The plan crosses as numbers; glue.js builds its objects (see `PackedPlan`).
        let packed = self
            .inner
            .source(&request)
            .map_err(to_js)?
            .packed(self.inner.network());
        unpack_plan(
            &packed.numbers,
            &self.location_ids(),
            &JsValue::UNDEFINED,
            &packed.text,
        )
    }

    /// What a checkout offers for a cart: priced home delivery service levels with their dates
    /// and plans, and click & collect. Without `now`, the current local time in the delivery
    /// configuration's time zone is used.
    #[wasm_bindgen(js_name = deliveryOptions, unchecked_return_type = "DeliveryOptions")]
    pub fn delivery_options(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeliveryRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = self.delivery_request(&request)?;
        output(&self.inner.delivery_options(&request).map_err(to_js)?)
    }

    /// The cart's plan (as `source`) and its delivery options (as `deliveryOptions`) in one
    /// call, sourcing once where they coincide: what a checkout page shows.
    #[wasm_bindgen(unchecked_return_type = "Quote")]
    pub fn quote(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeliveryRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = self.delivery_request(&request)?;
        output(&self.inner.quote(&request).map_err(to_js)?)
    }

    /// `quote`'s answer as JSON text, for a server that forwards it: no JS objects built, no
    /// second serialisation.
    #[wasm_bindgen(js_name = quoteJson, unchecked_return_type = "string")]
    pub fn quote_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeliveryRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = self.delivery_request(&request)?;
        let quote = self.inner.quote(&request).map_err(to_js)?;
        let text = serde_json::to_string(&quote).map_err(|e| invalid("", &e.to_string()))?;
        Ok(JsValue::from_str(&text))
    }

    /// Counts of locations, SKUs, positions and remembered event ids.
    #[wasm_bindgen(unchecked_return_type = "EngineStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        output(&self.inner.stats())
    }

    /// The whole state as bytes.
    #[wasm_bindgen(unchecked_return_type = "Uint8Array")]
    pub fn snapshot(&self) -> Result<JsValue, JsValue> {
        Ok(copy_bytes(&self.inner.snapshot()))
    }

    /// An engine rebuilt from `snapshot()` bytes (a `Uint8Array`, an array of byte values, or an
    /// `ArrayBuffer`); corrupt or foreign bytes are refused whole, anything else is
    /// `invalid_input`.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | number[]")]
        bytes: JsValue,
    ) -> Result<JsEngine, JsValue> {
        let bytes = match snapshot_bytes(&bytes) {
            Ok(Some(bytes)) => bytes,
            // Out of memory while the bytes were copied in: said as such, not as bad bytes.
            Err(thrown) if from_trap(&thrown) => return Err(thrown),
            _ => {
                return Err(invalid(
                    "bytes",
                    "must be a Uint8Array (the bytes of `snapshot()`)",
                ))
            }
        };
        Ok(JsEngine {
            inner: crate::Engine::from_snapshot(&bytes).map_err(to_js)?,
            ids: RefCell::new(None),
            availability: RefCell::default(),
        })
    }
}

impl JsEngine {
    /// The answer of `upsertLocations` and `restoreLocations`; the ids cached for answers are
    /// rebuilt on next use.
    fn upserted(&self, upserted: Result<u32, crate::Error>) -> Result<JsValue, JsValue> {
        let upserted = upserted.map_err(to_js)?;
        self.ids.replace(None);
        #[derive(serde::Serialize)]
        struct Upserted {
            upserted: u32,
        }
        output(&Upserted { upserted })
    }

    /// Location ids as JS strings, by location index: built once per network, so that answers
    /// share them instead of decoding an id per entry.
    fn location_ids(&self) -> Array {
        self.ids
            .borrow_mut()
            .get_or_insert_with(|| {
                // One JSON.parse (an import the module has anyway) rather than a push per id.
                let ids: Vec<&str> = self
                    .inner
                    .network()
                    .all()
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect();
                serde_json::to_string(&ids)
                    .ok()
                    .and_then(|json| JSON::parse(&json).ok())
                    .map_or_else(Array::new, JsCast::unchecked_into)
            })
            .clone()
    }

    /// Decodes a delivery request, filling in `now` from the clock of the configuration's zone.
    fn delivery_request(&self, request: &JsValue) -> Result<DeliveryRequest, JsValue> {
        let mut request = DeliveryRequest::from_json(&object_text(request, "request")?)
            .map_err(|e| to_js(e.into()))?;
        // The zone is checked whether or not `now` is given: a configuration is refused for
        // what it says, not for what this call happens to read.
        let zone = &self.inner.delivery_config(&request).time_zone;
        let now = known_zone(zone)?;
        if request.now.is_none() {
            request.now = Some(now);
        }
        Ok(request)
    }
}

impl Default for JsEngine {
    fn default() -> Self {
        Self::new()
    }
}

/// The current local time in `zone`, or `invalid_delivery_config` naming `delivery.timeZone`
/// when the runtime's time zone database does not know it (the core has none: zones are the
/// runtime's, through `Intl`).
fn known_zone(zone: &str) -> Result<String, JsValue> {
    local_now(zone)
        .ok()
        .and_then(|n| n.as_string())
        .ok_or_else(|| {
            let e = InputError::new(
                "delivery.timeZone",
                format!("`{zone}` is not a time zone this runtime knows"),
            );
            to_js(SourcingError::InvalidDeliveryConfig(e).into())
        })
}

/// The lines of `text` that a newline ends (an unended last one is left out).
fn newline_ended(text: &str) -> Vec<&str> {
    let ended = text
        .rfind('\n')
        .map_or("", |i| text.get(..=i).unwrap_or_default());
    // Room for a line per 4 bytes (a SKU and its newline): one allocation, not one per doubling
    // of a growing vector, nor a first pass counting them.
    let mut lines = Vec::with_capacity(ended.len() / 4 + 1);
    lines.extend(ended.split_terminator('\n'));
    lines
}

/// The profile argument of `setProfile`/`restoreProfile`. Fields are named within the profile
/// (`maxDistanceKm`, `delivery.currency`), as the core's checks name them; `profile` is the
/// argument as a whole.
fn profile_arg(profile: &JsValue) -> Result<Profile, JsValue> {
    let json = request_text_under(profile, "profile", "")?;
    // serde reads a struct from an array too, field by field in order: `[]` would store the
    // default profile over the one registered.
    if !json.trim_start().starts_with('{') {
        let e = SourcingError::profile("profile", "must be an object");
        return Err(to_js(e.into()));
    }
    crate::from_json(&json).map_err(|e| {
        // Classified by its path within the profile (`delivery` fields have a code of their
        // own), and named by it; `profile` when the profile as a whole is at fault.
        let delivery = SourcingError::in_delivery(&e.field);
        let field = if e.field.is_empty() {
            "profile".into()
        } else {
            e.field
        };
        to_js(SourcingError::of_profile(delivery, InputError::new(field, e.message)).into())
    })
}

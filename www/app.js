// The first demo page: the engine runs in this page, on the embedded demo network.
import { init, Engine, demoNetwork, cities } from "/pkg/index.browser.js";
import { formatKm, formatPrice } from "/atsource-common.js";

const $ = (id) => document.getElementById(id);

function option(value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

function band(total, availableFrom) {
  if (total > 3) return ["in", "En stock"];
  if (total > 0) return ["low", `Plus que ${total}`];
  if (availableFrom) return ["low", `Disponible à partir du ${new Date(availableFrom).toLocaleDateString("fr-FR")}`];
  return ["out", "Rupture"];
}

async function main() {
  const started = performance.now();
  await init();
  const engine = new Engine();
  const network = demoNetwork();
  engine.upsertLocations(network.locations);
  const report = engine.applyEvents(network.events, { changes: false });
  const names = new Map(network.locations.map((l) => [l.id, l.name ?? l.id]));
  const loadedMs = performance.now() - started;

  const cityList = cities();
  for (const [i, c] of cityList.entries()) $("city").append(option(String(i), `${c.name} (${c.postcode})`));
  $("city").value = String(Math.max(0, cityList.findIndex((c) => c.name === "Paris")));
  const categories = [...new Set(network.catalogue.map((p) => p.category))].sort();
  for (const c of categories) $("category").append(option(c, c));

  const stats = engine.stats();
  function render() {
    const city = cityList[Number($("city").value)];
    const products = network.catalogue.filter((p) => p.category === $("category").value).slice(0, 40);
    const t0 = performance.now();
    const answer = engine.availability({
      skus: products.map((p) => p.sku),
      near: { lat: city.lat, lon: city.lon },
      radiusKm: Number($("radius").value),
      mode: $("mode").value,
      limit: 3,
    });
    const micros = Math.round((performance.now() - t0) * 1000);
    const body = $("results").tBodies[0];
    body.replaceChildren();
    for (const [i, a] of answer.entries()) {
      const p = products[i];
      const [cls, text] = band(a.total, a.availableFrom);
      const where = a.locations.map((l) => `${names.get(l.id)} — ${l.ats} à ${formatKm(l.distanceKm, "fr")}`).join(" · ");
      const tr = document.createElement("tr");
      tr.dataset.sku = a.sku;
      const cell = (content, className = "") => {
        const td = document.createElement("td");
        td.className = className;
        td.append(...content);
        tr.append(td);
      };
      const small = document.createElement("small");
      small.textContent = a.sku;
      cell([p.name, document.createElement("br"), small]);
      cell([formatPrice(p.price, "fr")], "qty");
      cell([text], `qty ${cls}`);
      cell([where || "—"], "where");
      body.append(tr);
    }
    $("results").hidden = false;
    $("status").textContent = `${stats.locations} sites, ${stats.skus} articles, ${stats.positions} positions ` +
      `(${report.applied} évènements chargés en ${Math.round(loadedMs)} ms) — requête : ${micros} µs près de ${city.name}.`;
  }
  $("controls").addEventListener("change", render);
  render();
  window.atsourceDemo = { engine, ready: true };
}

main().catch((err) => {
  $("status").textContent = `Erreur : ${err.message}`;
  console.error(err);
});

/* Zone and site maps (Leaflet, served locally). CSP-safe: no inline scripts or styles, no innerHTML.
 *
 * <div class="map" data-map
 *      data-geojson-url="/zones/map.geojson"   features to draw (zones: kind=zone, trials: kind=trial)
 *      data-source="site"                      id of a textarea holding GeoJSON, drawn live
 *      data-edit="point"                       a click writes a Point into that textarea
 *      data-basemap-url="/static/vendor/seoul-basemap/seoul.geojson"             offline base layer (districts, neighbours, Han river)
 *      data-basemap-attribution="..." data-lang="ko"                             its source, and which names to label
 *      data-tile-url="https://.../{z}/{x}/{y}.png" data-tile-attribution="..."   optional base map
 *      data-i18n='{"approximate": "...", ...}'>                                  translated strings
 * Without a tile URL the map draws Seoul's districts and the Han river from our own server under the features,
 * so it reads as a map with no internet at all. */
(function () {
  "use strict";

  var SEOUL = [37.5665, 126.978];
  var STYLES = {
    zone: { color: "#256ef4", weight: 2, fillColor: "#256ef4", fillOpacity: 0.12 },
    approximate: { color: "#256ef4", weight: 2, dashArray: "6 4", fillColor: "#256ef4", fillOpacity: 0.12 },
    trial: { color: "#b35a00", weight: 2, fillColor: "#f28c28", fillOpacity: 0.5 },
    site: { color: "#d1242f", weight: 3, fillColor: "#d1242f", fillOpacity: 0.35 }
  };
  var BASEMAP = {
    district: { color: "#8a949e", weight: 1, fillColor: "#f4f5f6", fillOpacity: 1, className: "map-basemap-district" },
    neighbour: { color: "#b1b8be", weight: 1, fillColor: "#e6e9ec", fillOpacity: 1, className: "map-basemap-neighbour" },
    river: { color: "#7db3e8", weight: 9, opacity: 0.9, lineCap: "round", lineJoin: "round", className: "map-basemap-river" }
  };

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  function row(list, label, value) {
    if (value === undefined || value === null || value === "") { return; }
    list.appendChild(element("dt", null, label));
    list.appendChild(element("dd", null, value));
  }

  function popupContent(props, t) {
    var box = element("div", "map-popup");
    var list = element("dl");
    if (props.kind === "zone") {
      box.appendChild(element("p", "map-popup-title", props.name));
      list.appendChild(element("dt", null, props.code));
      list.appendChild(element("dd", null, props.district || ""));
      if (props.capacity !== undefined) { row(list, t.capacity, props.used + " / " + props.capacity); }
      box.appendChild(list);
      box.appendChild(element("p", "map-popup-note", props.approximate ? t.approximate : t.surveyed));
      if (props.url) {
        var link = element("a", null, t.open);
        link.href = props.url;
        box.appendChild(link);
      }
    } else {
      box.appendChild(element("p", "map-popup-title", props.title));
      row(list, t.organisation, props.organisation);
      row(list, t.zone, props.zone);
      row(list, t.period, [props.period_start, props.period_end].filter(Boolean).join(" – "));
      row(list, t.state, props.state_label);
      box.appendChild(list);
    }
    return box;
  }

  function styleFor(feature) {
    var props = feature.properties || {};
    if (props.kind === "zone") { return props.approximate ? STYLES.approximate : STYLES.zone; }
    return props.kind === "site" ? STYLES.site : STYLES.trial;
  }

  function featureLayer(data, t, labels, editing) {
    return L.geoJSON(data, {
      // While placing a site, clicks must reach the map, not open the zones' popups.
      interactive: !editing,
      style: styleFor,
      pointToLayer: function (feature, latlng) {
        var style = styleFor(feature);
        return L.circleMarker(latlng, { radius: 7, color: style.color, weight: 2,
                                        fillColor: style.fillColor, fillOpacity: 0.85 });
      },
      onEachFeature: function (feature, layer) {
        var props = feature.properties || {};
        if (props.kind === "site") { return; }
        layer.bindPopup(popupContent(props, t));
        if (props.kind === "zone") {
          // Above the zone's north edge, so the label never hides a trial site inside it.
          var bounds = layer.getBounds();
          L.tooltip({ permanent: true, direction: "top", className: "map-zone-label", interactive: false })
            .setLatLng([bounds.getNorth(), bounds.getCenter().lng])
            .setContent(element("span", null, props.code))
            .addTo(labels);
        }
      }
    });
  }

  function parseGeometry(text) {
    try {
      var value = JSON.parse(text);
      if (value && value.type === "Feature") { value = value.geometry; }
      return value && value.type && value.coordinates ? value : null;
    } catch (e) {
      // "latitude, longitude" is accepted by the site form too.
      var match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text || "");
      return match ? { type: "Point", coordinates: [parseFloat(match[2]), parseFloat(match[1])] } : null;
    }
  }

  function fit(map, layers) {
    var bounds = L.latLngBounds([]);
    layers.forEach(function (layer) {
      if (layer && layer.getLayers().length) { bounds.extend(layer.getBounds()); }
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView(SEOUL, 11);
    }
  }

  function setStatus(el, text) {
    var status = el.parentNode.querySelector("[data-map-status]");
    if (status) { status.textContent = text || ""; }
  }

  function connectSource(map, el, t, state) {
    var textarea = document.getElementById(el.getAttribute("data-source"));
    if (!textarea) { return; }
    var layer = L.geoJSON(null, { style: function () { return STYLES.site; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 8, color: STYLES.site.color,
                                                                          fillColor: STYLES.site.fillColor,
                                                                          fillOpacity: 0.9 }); } }).addTo(map);
    state.source = layer;
    function redraw(refit) {
      layer.clearLayers();
      var geometry = parseGeometry(textarea.value);
      if (geometry) {
        try { layer.addData({ type: "Feature", geometry: geometry, properties: { kind: "site" } }); } catch (e) { /* half-typed */ }
      }
      if (refit) { fit(map, [state.features, layer]); }
    }
    textarea.addEventListener("input", function () { redraw(false); });
    textarea.addEventListener("change", function () { redraw(true); });
    redraw(false);
    if (el.getAttribute("data-edit") === "point") {
      map.on("click", function (event) {
        var point = { type: "Point", coordinates: [Number(event.latlng.lng.toFixed(6)),
                                                   Number(event.latlng.lat.toFixed(6))] };
        textarea.value = JSON.stringify(point);
        redraw(false);
        setStatus(el, t.clicked);
      });
    }
  }

  function loadJSON(url) {
    if (!url) { return Promise.resolve(null); }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
  }

  function loadFeatures(el) {
    return loadJSON(el.getAttribute("data-geojson-url"));
  }

  function drawBasemap(map, el) {
    var url = el.getAttribute("data-basemap-url");
    if (!url) { return; }
    // Its own pane below the overlays: it arrives whenever it arrives and must never cover a zone.
    map.createPane("basemap").style.zIndex = 250;
    map.createPane("basemapLabels").style.zIndex = 260;
    var english = el.getAttribute("data-lang") === "en";
    var labels = L.layerGroup();
    loadJSON(url).then(function (data) {
      if (!data) { return; }
      L.geoJSON(data, {
        pane: "basemap", interactive: false,
        style: function (feature) { return BASEMAP[(feature.properties || {}).kind] || BASEMAP.district; },
        onEachFeature: function (feature, layer) {
          var props = feature.properties || {};
          if (props.kind !== "district") { return; }
          L.tooltip({ permanent: true, direction: "center", className: "map-district-label", interactive: false,
                      pane: "basemapLabels" })
            .setLatLng(layer.getBounds().getCenter())
            .setContent(element("span", null, english ? props.name_en : props.name_ko))
            .addTo(labels);
        }
      }).addTo(map);
      // District names only where there is room for them: from the whole city down to a few districts.
      function toggleLabels() {
        var zoom = map.getZoom();
        if (zoom >= 11 && zoom <= 14) { labels.addTo(map); } else { labels.remove(); }
      }
      map.on("zoomend", toggleLabels);
      toggleLabels();
    }).catch(function () { /* the features still draw on the plain background */ });
  }

  function init(el) {
    var t = {};
    try { t = JSON.parse(el.getAttribute("data-i18n") || "{}"); } catch (e) { t = {}; }
    var tileUrl = el.getAttribute("data-tile-url");
    var basemapAttribution = el.getAttribute("data-basemap-attribution");
    var map = L.map(el, { attributionControl: Boolean(tileUrl || basemapAttribution), zoomSnap: 0.25 });
    if (map.attributionControl) {
      // Leaflet's default prefix links to its website: the page links to no other host.
      map.attributionControl.setPrefix("Leaflet");
      if (basemapAttribution) { map.attributionControl.addAttribution(basemapAttribution); }
    }
    drawBasemap(map, el);
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    var state = { features: null, source: null };
    map.setView(SEOUL, 11);
    connectSource(map, el, t, state);
    loadFeatures(el).then(function (data) {
      if (data) {
        var labels = L.layerGroup();
        state.features = featureLayer(data, t, labels, Boolean(el.getAttribute("data-edit"))).addTo(map);
        labels.addTo(map);
      }
      if (state.source) { state.source.bringToFront(); }
      fit(map, [state.features, state.source]);
    }).catch(function () {
      setStatus(el, t.failed);
      fit(map, [state.source]);
    });
  }

  function start() {
    if (!window.L) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

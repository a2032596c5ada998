// The insights dashboard's charts: Apache ECharts (vendored, SVG renderer), drawn from the
// figures the page embeds as JSON. Every bar links to the case list of the cases it counts;
// the tables under each chart hold the same figures and links without JavaScript.
(function () {
  "use strict";
  // ECharts' SVG renderer writes `style` attributes, which the strict CSP (style-src 'self')
  // blocks. Applying the same declarations through the CSSOM is allowed and needs no
  // 'unsafe-inline'; only this page loads the shim.
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (String(name).toLowerCase() === "style") {
      this.style.cssText = String(value);
      return undefined;
    }
    return setAttribute.call(this, name, value);
  };
  const source = document.getElementById("insights-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  function draw(name, option, urls) {
    const el = document.querySelector(`[data-chart="${name}"]`);
    if (!el) return;
    const chart = echarts.init(el, null, { renderer: "svg" });
    // Tooltips as rich text inside the SVG: the HTML ones carry inline styles.
    const tooltip = Object.assign({ trigger: "item" }, option.tooltip, { renderMode: "richText" });
    chart.setOption(Object.assign({ animation: false }, option, { tooltip }));
    chart.on("click", (params) => {
      const url = urls(params);
      if (url) window.location.assign(url);
    });
    el.dataset.ready = "true";
    charts.push(chart);
  }

  function bars(name, items, key) {
    draw(
      name,
      {
        grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: items.map((i) => i.label) },
        series: [{ type: "bar", data: items.map((i) => i[key || "n"]) }],
      },
      (params) => (items[params.dataIndex] || {}).url
    );
  }

  function histogram(name, figure) {
    const edges = figure.edges;
    const names = figure.histogram.map((_, i) =>
      i === 0 ? `< ${edges[0]}` : i < edges.length ? `${edges[i - 1]}–${edges[i]}` : `≥ ${edges[edges.length - 1]}`
    );
    draw(
      name,
      {
        grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: names },
        yAxis: { type: "value" },
        series: [{ type: "bar", data: figure.histogram }],
      },
      () => data.summary.now.url + "&status=closed"
    );
  }

  const trend = data.trend;
  draw(
    "trend",
    {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 8, top: 8, bottom: 32, containLabel: true },
      xAxis: { type: "category", data: trend.periods },
      yAxis: { type: "value" },
      series: trend.series.map((s) => ({ name: s.label, type: "bar", stack: "all", data: s.values })),
    },
    (params) => {
      const series = trend.series[params.seriesIndex];
      const url = trend.urls[params.dataIndex];
      if (!series || !url) return null;
      const key = Object.keys(series.drill)[0];
      return `${url}&${encodeURIComponent(key)}=${encodeURIComponent(series.drill[key])}`;
    }
  );
  bars("category", data.breakdown.category);
  bars("backlog", data.backlog.ages);
  histogram("resolution", data.summary.now.resolution_hours);
  histogram("first_response", data.summary.now.first_response_hours);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();

// Draws a report's chart from the JSON beside it (no inline script, so the CSP holds). The table next
// to the chart carries the same figures for anyone who cannot see it.
(function () {
  const canvas = document.getElementById('report-chart')
  const data = document.getElementById('report-chart-data')
  if (!canvas || !data || !window.Chart) return
  const chart = JSON.parse(data.textContent)
  const colours = ['#1d70b8', '#d4351c', '#00703c', '#6f72af']
  const datasets = [{
    label: chart.label,
    data: chart.values,
    backgroundColor: colours[0],
    borderColor: colours[0],
    spanGaps: false
  }]
  chart.references.forEach(function (reference, n) {
    datasets.push({
      type: 'line',
      label: reference.label,
      data: chart.labels.map(function () { return reference.value }),
      borderColor: colours[(n + 1) % colours.length],
      borderDash: [6, 4],
      pointRadius: 0,
      fill: false
    })
  })
  // eslint-disable-next-line no-new
  new window.Chart(canvas, {
    type: chart.kind,
    data: { labels: chart.labels, datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, max: chart.percent ? 100 : undefined } },
      plugins: { legend: { display: datasets.length > 1 } }
    }
  })
})()

// Appended to a copy of a lab's report.html by labs_test.sh and grade_test.sh; headless Chromium runs
// it after laying the page out and --dump-dom prints what it measured: each step section's box, each
// ladder diagram's size, arrows and labels as rendered, and a graded page's score and test rows.
(function () {
  const out = { steps: [], diagrams: [] };
  for (const s of document.querySelectorAll('section.step')) {
    const r = s.getBoundingClientRect();
    const h2 = s.querySelector('h2');
    out.steps.push({ step: Number(s.dataset.step), w: Math.round(r.width), h: Math.round(r.height),
                     title: h2 ? h2.textContent.trim() : '', items: s.querySelectorAll('.item').length });
  }
  for (const svg of document.querySelectorAll('svg.ladder')) {
    const r = svg.getBoundingClientRect();
    const section = svg.closest('section.step');
    const hops = Array.from(svg.querySelectorAll('g.hop'));
    const lines = hops.filter(g => { const l = g.querySelector('line'); return l && l.getBBox().width > 20; });
    const labels = Array.from(svg.querySelectorAll('text.lbl')).filter(t => t.getComputedTextLength() > 10);
    out.diagrams.push({ step: section ? Number(section.dataset.step) : 0, w: Math.round(r.width), h: Math.round(r.height),
                        nodes: Array.from(svg.querySelectorAll('g.node')).map(n => n.dataset.node),
                        hops: hops.length, drawn: lines.length, labels: labels.length,
                        paths: hops.map(g => (g.classList.contains('reply') ? 'reply ' : g.classList.contains('lost') ? 'lost ' : 'request ') +
                                             g.dataset.from + '>' + g.dataset.to) });
  }
  // A graded submission's page: the score and each test's row as rendered, with its hints.
  const score = document.querySelector('section.grade .score');
  if (score) {
    out.grade = { score: score.textContent.trim(),
                  tests: Array.from(document.querySelectorAll('table.tests tr.ok, table.tests tr.fail')).map(tr => ({
                    ok: tr.classList.contains('ok'), w: Math.round(tr.getBoundingClientRect().width),
                    hints: Array.from(tr.querySelectorAll('ul.hints li')).filter(li => li.getBoundingClientRect().width > 50).length })) };
  }
  const pre = document.createElement('pre');
  pre.id = 'tapvs-check';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();

#!/usr/bin/env node
// An external stackpilot skill: reads the SkillInput as JSON on stdin and writes its
// contribution as JSON on stdout. This one records, for every component that calls an LLM
// provider, a decision that its prompts leave the cluster, and warns in prod.
'use strict';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { app, env } = JSON.parse(input);
  const llm = new Set(app.externalServices.filter((s) => s.kind === 'llm').map((s) => s.id));
  const decisions = [];
  const warnings = [];
  for (const edge of app.edges) {
    if (edge.target !== 'external' || !llm.has(edge.to)) continue;
    decisions.push({
      skill: 'egress-audit',
      subject: edge.from,
      topic: 'data egress',
      choice: `prompts leave the cluster to ${edge.to}`,
      alternatives: ['self-hosted model in the cluster'],
      reason: `${edge.from} reads ${edge.envVar ?? 'an API key'} and calls ${edge.to}`,
    });
    if (env.name === 'prod')
      warnings.push(
        `${edge.from} sends prompts to ${edge.to}: check its data-processing agreement`,
      );
  }
  process.stdout.write(JSON.stringify({ decisions, warnings }));
});

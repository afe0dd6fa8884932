import { describe, expect, it } from 'vitest';
import { ConfigErrors, parseConfigText } from '../../src/config/index.js';

const MINIMAL = 'incoming_email:\n  enabled: true\n  address: "incoming+%{key}@example.com"\n';

describe('config: reply', () => {
  it("defaults to Postroom's trimming within a 10 s budget", () => {
    expect(parseConfigText(MINIMAL, 'test.yml', {}).reply).toEqual({ trimming: 'postroom', budgetMs: 10_000 });
  });

  it("takes GitLab's trimming and a budget with a unit", () => {
    const config = parseConfigText(`${MINIMAL}reply:\n  trimming: gitlab\n  budget: 2s\n`, 'test.yml', {});
    expect(config.reply).toEqual({ trimming: 'gitlab', budgetMs: 2000 });
  });

  it('names an unknown mode and an unknown key', () => {
    let problems: string[] = [];
    try {
      parseConfigText(`${MINIMAL}reply:\n  trimming: discourse\n  trim: yes\n`, 'test.yml', {});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigErrors);
      problems = (error as ConfigErrors).problems;
    }
    expect(problems.join('\n')).toMatch(/reply\.trimming.*gitlab, postroom/);
    expect(problems.join('\n')).toMatch(/reply\.trim.*unknown key/);
  });
});

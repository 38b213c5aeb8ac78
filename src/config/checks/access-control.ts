/** Access control: network names resolve, and `bypass` never depends on who the user is. */
import { isCidr } from '../schema/common.js';
import { duplicateProblems, type CheckProblem, type ParsedConfig } from './types.js';

export function checkAccessControl(accessControl: ParsedConfig['access_control']): CheckProblem[] {
  const names = accessControl.networks.map((n) => n.name);
  const problems: CheckProblem[] = duplicateProblems(names, ['access_control', 'networks'], 'is named');
  accessControl.rules.forEach((rule, i) => {
    const at = ['access_control', 'rules', i];
    rule.networks.forEach((network, j) => {
      if (!names.includes(network) && !isCidr(network)) {
        problems.push({ path: [...at, 'networks', j], message: `must be a name from access_control.networks or a CIDR range but is '${network}'` });
      }
    });
    // Authelia: a bypass rule with a subject could never match, since bypass does not identify the user.
    if (rule.policy === 'bypass' && rule.subject.length > 0) {
      problems.push({ path: [...at, 'policy'], message: "must not be 'bypass' when the rule has a subject" });
    }
  });
  return problems;
}

import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Runs the cdk-nag AwsSolutions pack on every synth: any unacknowledged finding fails the
 * synth. Acknowledgements live next to the construct they concern, each with its reason.
 */
export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

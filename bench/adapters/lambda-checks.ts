// Up-front findings about a lambda target: pure functions of what prepare() read (the function's
// configuration, its URL configuration, whether credentials exist), so `run` (through
// enforceProblems, before any change) and a read-only `plan` make the same findings.
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { ColdStrategy } from '../config/schema.js';
import { problemError, problemWarning, type Problem } from './problems.js';
import { LATEST, type UrlReading } from './lambda-url.js';

export interface LambdaReadings {
  config: FunctionConfiguration;
  url: UrlReading;
  /** When the URL needs SigV4: why the credential chain gave no credentials (null: it did). */
  credentialsError: string | null;
  /** The function's reserved concurrency (GetFunction's Concurrency); null: none or not readable. */
  reservedConcurrency?: number | null;
  /** Provisioned concurrency allocated to the target's qualifier; null: none or not readable. */
  provisionedConcurrency?: number | null;
}

export interface LambdaPlan {
  /** "lambda function hello (target t)", for messages. */
  label: string;
  strategy: ColdStrategy;
  /** The target's qualifier ($LATEST when none). */
  qualifier: string;
  /** Cold samples are taken (their verification needs the REPORT record). */
  coldSamples: boolean;
}

/** Strategies that write the function's environment (a nonce variable) and restore it afterwards. */
const WRITES_ENVIRONMENT: ReadonlySet<ColdStrategy> = new Set(['update-config', 'publish-version']);

export function lambdaProblems(readings: LambdaReadings, plan: LambdaPlan): Problem[] {
  return [
    ...environmentProblems(readings.config, plan),
    ...versionProblems(readings.config, plan),
    ...concurrencyProblems(readings.reservedConcurrency ?? null, plan),
    ...provisionedProblems(readings.provisionedConcurrency ?? null, plan),
    ...loggingProblems(readings.config, plan),
    ...urlProblems(readings, plan),
  ];
}

/** Environment.Error (e.g. KMSAccessDeniedException): the variables cannot be read, so an update
 *  would replace them with the nonce alone and the "original" written back would be empty. */
export function environmentProblems(config: FunctionConfiguration, plan: LambdaPlan): Problem[] {
  const error = config.Environment?.Error;
  if (!error || !WRITES_ENVIRONMENT.has(plan.strategy)) return [];
  const key = config.KMSKeyArn ? ` on ${config.KMSKeyArn}` : '';
  return [
    problemError(
      `${plan.label}: its environment variables cannot be read (${error.ErrorCode ?? 'error'}: ${error.Message ?? 'no message'}), so ${plan.strategy} would replace them with its nonce and could not put them back; refused before any change. Give these credentials kms:Decrypt${key}, or use cold.strategy idle`,
    ),
  ];
}

/** update-config and publish-version change $LATEST: a qualifier bound to a version never goes cold. */
export function versionProblems(config: FunctionConfiguration, plan: LambdaPlan): Problem[] {
  if (!WRITES_ENVIRONMENT.has(plan.strategy)) return [];
  if (config.Version !== undefined && config.Version !== LATEST) {
    const instead = plan.strategy === 'publish-version' ? 'leave qualifier unset (publish-version publishes $LATEST and invokes each new version)' : 'use qualifier $LATEST or cold.strategy publish-version';
    return [problemError(`${plan.label}: qualifier resolves to version ${config.Version}, but ${plan.strategy} changes only $LATEST; ${instead}`)];
  }
  return [];
}

/** JSON logs with SystemLogLevel above INFO carry no platform.report in the log tail: samples are
 *  cold by the strategy but the platform never says so. */
export function loggingProblems(config: FunctionConfiguration, plan: LambdaPlan): Problem[] {
  const logging = config.LoggingConfig;
  const level = logging?.SystemLogLevel;
  if (!plan.coldSamples || logging?.LogFormat !== 'JSON' || level === undefined || level === 'DEBUG' || level === 'INFO') return [];
  return [
    problemWarning(
      `${plan.label}: JSON logs with SystemLogLevel ${level} carry no platform.report record, so no cold sample can be verified by Init or Restore Duration; they are cold by the strategy only and reported unverified (cold empty). Set SystemLogLevel INFO to verify them`,
    ),
  ];
}

export function urlProblems(readings: LambdaReadings, plan: LambdaPlan): Problem[] {
  const url = readings.url;
  const listed = (urls: Array<{ url: string; qualifier: string }>) => (urls.length ? urls.map((u) => `${u.url} (${u.qualifier})`).join(', ') : 'none');
  switch (url.kind) {
    case 'none':
      return [];
    case 'missing':
      return [problemError(`${plan.label}: url is auto but the function has no function URL for qualifier ${url.qualifier} (its URLs: ${listed(url.others)}); set qualifier to the URL's alias, give the url, or remove it`)];
    case 'unreadable':
      return url.url === 'auto'
        ? [problemError(`${plan.label}: url is auto but the function URL configuration cannot be read (${url.error}); allow lambda:GetFunctionUrlConfig or give the url`)]
        : [problemWarning(`${plan.label}: the function URL configuration cannot be read (${url.error}), so ${url.url} is called unsigned; allow lambda:ListFunctionUrlConfigs if it uses AWS_IAM auth`)];
    case 'unmatched':
      return url.known.some((k) => k.authType === 'AWS_IAM')
        ? [problemWarning(`${plan.label}: url ${url.url} is none of the function's URLs (${listed(url.known)}), so it is called unsigned; use url: auto to load the function's own URL`)]
        : [];
    case 'found': {
      const problems: Problem[] = [];
      // Warm numbers would come from another version than the cold samples: misleading, not failing
      // (the run works and measures what it says), so a warning rather than an error.
      if (plan.strategy === 'publish-version') {
        problems.push(problemWarning(`${plan.label}: publish-version's cold samples invoke each newly published version, but url ${url.url} invokes ${url.info.qualifier}; the warm numbers describe ${url.info.qualifier}. Leave url unset to load the last published version through the API`));
      } else if (url.info.qualifier !== plan.qualifier) {
        problems.push(problemWarning(`${plan.label}: url ${url.url} invokes qualifier ${url.info.qualifier}, but the target's cold samples invoke ${plan.qualifier}; the warm numbers describe another version than the cold ones. Set qualifier: ${url.info.qualifier} or use that qualifier's URL`));
      }
      if (url.info.authType === 'AWS_IAM' && readings.credentialsError !== null) {
        problems.push(problemError(`${plan.label}: url ${url.url} uses AuthType AWS_IAM, so every request must be signed, but no AWS credentials were found (${readings.credentialsError}); configure credentials (environment, profile, SSO, instance role) allowed lambda:InvokeFunctionUrl`));
      }
      return problems;
    }
  }
}

/** Reserved concurrency 0 throttles every invoke (the function is switched off). null: not known. */
export function concurrencyProblems(reserved: number | null, plan: LambdaPlan): Problem[] {
  if (reserved !== 0) return [];
  return [problemError(`${plan.label}: reserved concurrency is 0, so every invoke is throttled (the function is switched off); remove it (aws lambda delete-function-concurrency) or set it above 0`)];
}

/** Provisioned concurrency on the qualifier: its requests go to pre-initialised environments, so
 *  the cold samples meet no cold start until all of them are busy. */
export function provisionedProblems(provisioned: number | null, plan: LambdaPlan): Problem[] {
  if (provisioned === null || provisioned <= 0 || !plan.coldSamples) return [];
  return [
    problemWarning(
      `${plan.label}: qualifier ${plan.qualifier} has provisioned concurrency ${provisioned}: its requests are served by pre-initialised environments, so cold samples meet a cold start only when all ${provisioned} are busy (they will be verified not cold); measure an alias or version without provisioned concurrency, or $LATEST`,
    ),
  ];
}

/** What update-config / publish-version will change, and how many times. */
export function lambdaChanges(plan: LambdaPlan & { samples: number; nonceKey: string }): string[] {
  const n = plan.samples;
  if (n === 0) return [];
  if (plan.strategy === 'update-config') return [`${n} configuration update${n === 1 ? '' : 's'} of $LATEST (a new value of ${plan.nonceKey}), restored at the end`];
  if (plan.strategy === 'publish-version') {
    return [`${n} configuration update${n === 1 ? '' : 's'} of $LATEST (a new value of ${plan.nonceKey}) and ${n} published version${n === 1 ? '' : 's'}, deleted at the end; $LATEST restored`];
  }
  return [];
}

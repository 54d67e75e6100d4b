// Demo function "hello": light module, answers at once. For tests it can also wait
// (`{"sleepMs": 200}`) or throw (`{"fail": "message"}`). Through a Function URL it answers HTTP
// with an x-instance-id header.
const environmentId = process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? 'unknown';
let invocations = 0;

export async function handler(event = {}) {
  invocations += 1;
  if (typeof event.sleepMs === 'number') await new Promise((resolve) => setTimeout(resolve, Math.min(event.sleepMs, 10_000)));
  if (typeof event.fail === 'string') throw new TypeError(event.fail);
  console.log('hello from', environmentId);
  const result = {
    message: 'hello',
    environment: environmentId,
    invocations,
    nonce: process.env.COLDBENCH_NONCE ?? null,
    greeting: process.env.GREETING ?? null,
  };
  // Called through a Function URL: an HTTP response naming the serving environment.
  if (event.requestContext?.http) {
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-instance-id': environmentId }, body: JSON.stringify(result) };
  }
  return result;
}

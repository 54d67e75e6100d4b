// Errors of the emulated Lambda API, rendered as AWS sends them: status, `x-amzn-ErrorType`
// header, and a JSON body with `Type` and `Message` (capital M), which is what the SDK reads.
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extraBody: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { Type: this.status >= 500 ? 'Service' : 'User', Message: this.message, ...this.extraBody };
  }
}

export const notFound = (arn: string) => new LambdaApiError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);

export const invalidParameter = (message: string) => new LambdaApiError(400, 'InvalidParameterValueException', message);

import type { AuthChallenge } from '@artifactapi/plugin-sdk';

/** A `WWW-Authenticate` challenge, parsed by the SDK's `parseChallenges`. */
export type Challenge = AuthChallenge;

/** The challenge to answer: Bearer (the token flow) before Basic; undefined for anything else. */
export function selectChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

/** True when a Bearer challenge says the token lacks scope (`error="insufficient_scope"`): fetch a new one with the challenge's scope. */
export function isInsufficientScope(challenge: Challenge): boolean {
  return challenge.scheme === 'bearer' && challenge.params.error === 'insufficient_scope';
}

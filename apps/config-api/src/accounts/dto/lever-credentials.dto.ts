import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsLeverApiUrl } from './lever-api-url.validator';
import { OptionalNotNull } from '../../shared/http/optional-not-null.decorator';
import { IsSignatureTokenMap } from './signature-token-map.validator';

const SIGNATURE_TOKENS_DOC = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Lever signs each event type with its own token: { <eventName>: token }. Write-only.',
  example: { candidateHired: 'token-of-the-hired-webhook' },
} as const;

const LEVER_API_URL_DOC = {
  type: String,
  nullable: true,
  maxLength: 500,
  example: 'https://api.eu.lever.co/v1',
  description: "The account's Lever API base URL (EU and other regions), https; unset or null: the deployment's LEVER_API_URL",
} as const;

/** Lever connection of a new account. Secrets are write-only: encrypted at rest, never returned. */
export class LeverCredentialsDto {
  @ApiPropertyOptional({
    description:
      'Lever API key (write-only, encrypted at rest). Leave it out to connect with OAuth instead (POST /v1/accounts/:id/lever/oauth/start): the account stays disconnected (LEVER_NOT_CONNECTED) until then.',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  apiKey?: string;

  @ApiPropertyOptional({
    description:
      "Signature token of the candidateStageChange webhook set up by hand in Lever (write-only). Leave it out to have the webhooks registered through Lever's API when the account connects (POST /v1/accounts/:id/lever/webhooks/sync): deliveries are refused until then.",
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  signatureToken?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Lever user id the integration acts as (perform_as)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  performAsUserId?: string | null;

  @ApiPropertyOptional({ ...LEVER_API_URL_DOC })
  @IsOptional()
  @IsLeverApiUrl()
  apiUrl?: string | null;

  @ApiPropertyOptional({ ...SIGNATURE_TOKENS_DOC, writeOnly: true })
  @IsOptional()
  @IsSignatureTokenMap()
  signatureTokens?: Record<string, string>;
}

/** PATCH of the Lever connection: any field; a secret given here replaces the stored one. */
export class UpdateLeverCredentialsDto {
  @ApiPropertyOptional({ description: 'New Lever API key (write-only)', writeOnly: true })
  @OptionalNotNull()
  @IsString()
  @Length(1, 500)
  apiKey?: string;

  @ApiPropertyOptional({ description: 'New candidateStageChange signature token (write-only)', writeOnly: true })
  @OptionalNotNull()
  @IsString()
  @Length(1, 500)
  signatureToken?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  performAsUserId?: string | null;

  @ApiPropertyOptional({ ...LEVER_API_URL_DOC, description: `${LEVER_API_URL_DOC.description}; null: back to the default` })
  @IsOptional()
  @IsLeverApiUrl()
  apiUrl?: string | null;

  @ApiPropertyOptional({ ...SIGNATURE_TOKENS_DOC, nullable: true, writeOnly: true, description: 'Replaces the whole map; null clears it' })
  @IsOptional()
  @IsSignatureTokenMap()
  signatureTokens?: Record<string, string> | null;
}

import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'docs';

/**
 * Serves the OpenAPI document generated from the DTOs: UI at /docs, JSON at /docs-json. Public
 * on purpose (see docs/config-api.md): it describes the API's shape only, holds no data, and
 * admins open it in a browser, which cannot send a Bearer token; every /v1 route it lists still
 * requires one. Call before the app listens.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('lever-assess config API')
    .setDescription(
      "Admin API: connect customers' Lever accounts, configure the test catalog and trigger rules, follow assessments, replay failed jobs. " +
        'Every /v1 route needs `Authorization: Bearer <token>` (ADMIN_TOKEN or a token from POST /v1/admin-tokens). ' +
        'Errors are `{ error, message, fields? }`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_PATH}-json` });
}

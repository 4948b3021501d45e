import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InvitationStore, type SandboxInvitation } from '../invitations/invitation.store';
import { actionScript, escapeHtml, page } from './html';

/**
 * Human pages behind the links the sandbox hands out, so demo links open something real. Their
 * buttons call the /_sandbox control API (which sends the callbacks).
 */
@Controller()
export class PagesController {
  constructor(private readonly store: InvitationStore) {}

  @Get('pads/:id')
  candidate(@Param('id') id: string, @Res() reply: FastifyReply) {
    this.render(reply, id, (inv) => {
      const open = inv.status === 'sent';
      const body = `${details(inv)}
${open ? `<p><button onclick="act('/_sandbox/invitations/${escapeHtml(inv.id)}/complete')">Submit my work</button></p>` : '<p>This pad is closed.</p>'}
<p class="note">Platform sandbox: submitting sends the invitation.completed callback.</p>`;
      return page(`${inv.testName ?? 'Live interview'} for ${inv.request.candidate.name}`, body, actionScript());
    });
  }

  @Get('pads/:id/interviewer')
  interviewer(@Param('id') id: string, @Res() reply: FastifyReply) {
    this.render(reply, id, (inv) => {
      const canScore = inv.status === 'sent' || inv.status === 'completed' || inv.status === 'scored';
      const body = `${details(inv)}
${
  canScore
    ? `<p><label>Score (0-100) <input id="score" type="number" min="0" max="100" value="80"></label>
<button onclick="act('/_sandbox/invitations/${escapeHtml(inv.id)}/score',{score:Number(document.getElementById('score').value)})">Submit score</button></p>`
    : ''
}
<p class="note">Platform sandbox interviewer view.</p>`;
      return page(`Interviewer pad: ${inv.request.candidate.name}`, body, actionScript());
    });
  }

  @Get('reports/:id')
  report(@Param('id') id: string, @Res() reply: FastifyReply) {
    this.render(reply, id, (inv) => {
      const result =
        inv.score === null
          ? '<p>The report is not ready yet.</p>'
          : `<p style="font-size:2rem">Score: <strong>${escapeHtml(inv.score)}</strong> / 100</p>`;
      return page(`Report: ${inv.testName ?? 'Live interview'}`, `${result}${details(inv)}`);
    });
  }

  private render(reply: FastifyReply, id: string, build: (inv: SandboxInvitation) => string): void {
    const invitation = this.store.get(id);
    reply.header('content-type', 'text/html; charset=utf-8');
    if (!invitation) {
      reply.status(404).send(page('Not found', `<p>No invitation ${escapeHtml(id)}.</p>`));
      return;
    }
    reply.status(200).send(build(invitation));
  }
}

function details(inv: SandboxInvitation): string {
  return `<dl><dt>Candidate</dt><dd>${escapeHtml(inv.request.candidate.name)}</dd>
<dt>Test</dt><dd>${escapeHtml(inv.testName ?? 'none (live interview)')} (${escapeHtml(inv.request.kind)})</dd>
<dt>Time limit</dt><dd>${escapeHtml(inv.request.timeLimitMinutes)} minutes</dd>
<dt>Status</dt><dd>${escapeHtml(inv.status)}</dd>
<dt>Expires</dt><dd>${escapeHtml(inv.expiresAt)}</dd></dl>`;
}

import { CandidateEventsRepository } from '@lever-assess/persistence';
import { Injectable } from '@nestjs/common';
import { AccountLookup } from '../shared/accounts/account-lookup.service';
import { DEFAULT_TIMELINE_LIMIT, TimelineEventDto, type TimelineDto, type TimelineQueryDto } from './dto/timeline.dto';

/** Every recorded step for one candidate, so support answers "why no test?" from one call. */
@Injectable()
export class TimelineService {
  constructor(
    private readonly events: CandidateEventsRepository,
    private readonly lookup: AccountLookup,
  ) {}

  async list(accountId: string, query: TimelineQueryDto): Promise<TimelineDto> {
    await this.lookup.require(accountId);
    const rows = await this.events.listForOpportunity(accountId, query.opportunityId, { limit: query.limit ?? DEFAULT_TIMELINE_LIMIT });
    return { data: rows.map((e) => TimelineEventDto.from(e)) };
  }
}

import { InitialSchema1795604724722 } from './1795604724722-InitialSchema';
import { LeverOpportunityViews1796170000000 } from './1796170000000-LeverOpportunityViews';
import { AssessmentInvitationRequest1796300000000 } from './1796300000000-AssessmentInvitationRequest';
import { LifecycleEvents1796400000000 } from './1796400000000-LifecycleEvents';
import { CandidateEvents1796410000000 } from './1796410000000-CandidateEvents';
import { AccountKeyHealth1796420000000 } from './1796420000000-AccountKeyHealth';
import { RecruiterActions1796500000000 } from './1796500000000-RecruiterActions';
import { TriggerRulePosting1796600000000 } from './1796600000000-TriggerRulePosting';
import { AccountLeverApiUrl1796610000000 } from './1796610000000-AccountLeverApiUrl';
import { LeverOAuth1796700000000 } from './1796700000000-LeverOAuth';
import { AccountLeverWebhooks1796710000000 } from './1796710000000-AccountLeverWebhooks';
import { ConsoleSessions1796800000000 } from './1796800000000-ConsoleSessions';

/** Every migration class, oldest first. `npm run db:generate` reminds you to add new ones here. */
export const MIGRATIONS = [
  InitialSchema1795604724722,
  LeverOpportunityViews1796170000000,
  AssessmentInvitationRequest1796300000000,
  LifecycleEvents1796400000000,
  CandidateEvents1796410000000,
  AccountKeyHealth1796420000000,
  RecruiterActions1796500000000,
  TriggerRulePosting1796600000000,
  AccountLeverApiUrl1796610000000,
  LeverOAuth1796700000000,
  AccountLeverWebhooks1796710000000,
  ConsoleSessions1796800000000,
];

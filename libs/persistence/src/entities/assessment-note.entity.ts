import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Assessment } from './assessment.entity';

/**
 * Lever's note creation is not idempotent: a row is claimed here (unique per assessment and
 * event) before the note is written, so a repeated job never writes the note twice.
 */
@Entity('assessment_notes')
@Index('uq_assessment_notes_assessment_event', ['assessmentId', 'eventKey'], { unique: true })
export class AssessmentNote {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  assessmentId: string;

  @ManyToOne(() => Assessment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assessment_id' })
  assessment?: Assessment;

  /** What the note is about, e.g. `error:CANDIDATE_NO_EMAIL` or `scored`. */
  @Column({ type: 'text' })
  eventKey: string;

  /** Set once Lever answered with the created note. */
  @Column({ type: 'text', nullable: true })
  leverNoteId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

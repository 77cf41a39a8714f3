-- Every attempt stored so far came from a browser (sync), including Cypher and Rust checks whose
-- check code the browser sent: the default marks them all self-reported, which is what they are.
-- From now on only the server's own verdicts (lib/progress/verdicts.ts) are 'server'.

-- CreateEnum
CREATE TYPE "AttemptVerification" AS ENUM ('server', 'self-reported');

-- DropIndex
DROP INDEX "exercise_attempt_lessonKey_cellId_userId_at_passed_idx";

-- AlterTable
ALTER TABLE "exercise_attempt" ADD COLUMN     "verification" "AttemptVerification" NOT NULL DEFAULT 'self-reported';

-- CreateIndex
CREATE INDEX "exercise_attempt_lessonKey_cellId_verification_userId_at_pa_idx" ON "exercise_attempt"("lessonKey", "cellId", "verification", "userId", "at", "passed");

-- CreateIndex
CREATE INDEX "exercise_attempt_lessonKey_cellId_userId_at_passed_idx" ON "exercise_attempt"("lessonKey", "cellId", "userId", "at", "passed");

-- CreateIndex
CREATE INDEX "lesson_progress_lessonKey_completedAt_idx" ON "lesson_progress"("lessonKey", "completedAt");

-- CreateTable
CREATE TABLE "role_change" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "actorUserId" TEXT,
    "targetUserId" TEXT,
    "targetEmail" TEXT NOT NULL,
    "fromRole" "Role" NOT NULL,
    "toRole" "Role" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "role_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_class" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "instructorId" TEXT NOT NULL,
    "startsOn" DATE,
    "endsOn" DATE,
    "tracks" TEXT[],
    "joinCode" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "course_class_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "class_member" (
    "classId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "class_member_pkey" PRIMARY KEY ("classId","userId")
);

-- CreateIndex
CREATE INDEX "role_change_at_idx" ON "role_change"("at");

-- CreateIndex
CREATE INDEX "role_change_targetUserId_idx" ON "role_change"("targetUserId");

-- CreateIndex
CREATE INDEX "role_change_actorUserId_idx" ON "role_change"("actorUserId");

-- CreateIndex
CREATE UNIQUE INDEX "course_class_joinCode_key" ON "course_class"("joinCode");

-- CreateIndex
CREATE INDEX "course_class_instructorId_idx" ON "course_class"("instructorId");

-- CreateIndex
CREATE INDEX "class_member_userId_idx" ON "class_member"("userId");

-- AddForeignKey
ALTER TABLE "role_change" ADD CONSTRAINT "role_change_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_change" ADD CONSTRAINT "role_change_targetUserId_fkey" FOREIGN KEY ("targetUserId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_class" ADD CONSTRAINT "course_class_instructorId_fkey" FOREIGN KEY ("instructorId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "class_member" ADD CONSTRAINT "class_member_classId_fkey" FOREIGN KEY ("classId") REFERENCES "course_class"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "class_member" ADD CONSTRAINT "class_member_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

// The demo accounts `npm run seed:demo` creates, apart from the seeding itself so that e2e specs
// can sign in with them without loading the server-only modules the seed needs.
export const DEMO_INSTRUCTOR = {
  email: "instructor@demo.courses.test",
  password: "demo-instructor-pass",
  name: "Demo Instructor",
};
export const DEMO_LEARNER = {
  email: "learner@demo.courses.test",
  password: "demo-learner-pass",
  name: "Demo Learner",
};
export const DEMO_LEARNER_DOMAIN = "demo-learners.courses.test";

import IAMAccount
import Testing
